import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface LintCase {
  readonly name: string;
  readonly file: string;
  readonly source: string;
}

const CASES: LintCase[] = [
  { name: 'protocol imports kafkajs', file: 'libs/ocpp/src/index.ts', source: "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n" },
  { name: 'protocol imports our testing lib', file: 'libs/ocpp/src/index.ts', source: "import { waitFor } from '@evcsms/testing';\nexport const w = waitFor;\n" },
  { name: 'protocol imports ajv', file: 'libs/ocpp/src/index.ts', source: "import Ajv from 'ajv';\nexport const a = Ajv;\n" },
  { name: 'tool imports kafkajs', file: 'tools/generators/ocpp-types.ts', source: "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n" },
  { name: 'gateway imports ioredis', file: 'libs/gateway/src/index.ts', source: "import Redis from 'ioredis';\nexport const r = Redis;\n" },
  { name: 'websocket engine imports uWS', file: 'libs/ws-engine/src/index.ts', source: "import * as uws from 'uWebSockets.js';\nexport const u = uws;\n" },
];

/** Lints every case in one child process: ESLint's config loader needs real ESM, which jest's VM lacks. */
function boundaryErrors(): Map<string, string[]> {
  // The Nx rule reads the project graph from Nx's cache; make sure it exists first.
  execFileSync(join(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'pipe' });
  const output = execFileSync(process.execPath, [join(root, 'tools/lint/lint-sources.mjs')], {
    cwd: root,
    input: JSON.stringify(CASES.map(({ file, source }) => ({ filePath: join(root, file), source }))),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const results = JSON.parse(output) as Array<Array<{ ruleId: string | null; message: string }>>;
  return new Map(
    CASES.map((lintCase, index) => [
      lintCase.name,
      results[index]!.filter((message) => message.ruleId === '@nx/enforce-module-boundaries').map((message) => message.message),
    ]),
  );
}

describe('module boundaries (the real lint config, run by ESLint)', () => {
  let errors: Map<string, string[]>;
  beforeAll(() => {
    errors = boundaryErrors();
  }, 120_000);

  it('keeps I/O libraries out of the pure protocol library', () => {
    expect(errors.get('protocol imports kafkajs')).toEqual([expect.stringContaining('kafkajs')]);
  });

  it('forbids the protocol library from importing any project of ours', () => {
    expect(errors.get('protocol imports our testing lib')).toEqual([expect.stringContaining('type:protocol')]);
  });

  it('lets the protocol library use its schema validator', () => {
    expect(errors.get('protocol imports ajv')).toEqual([]);
  });

  it('keeps kafkajs inside the kafka adapter: a tool may not import it', () => {
    expect(errors.get('tool imports kafkajs')).toEqual([expect.stringContaining('kafkajs')]);
  });

  it('keeps ioredis out of the gateway feature library', () => {
    expect(errors.get('gateway imports ioredis')).toEqual([expect.stringContaining('ioredis')]);
  });

  it('lets the websocket engine adapter import uWebSockets.js', () => {
    expect(errors.get('websocket engine imports uWS')).toEqual([]);
  });
});
