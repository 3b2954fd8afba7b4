import { ESLint } from 'eslint';
import { join } from 'node:path';

// Lints source text as if it were a file of the given project, with the repository's real config.
const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(fileInProject: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, fileInProject) });
  return result!.messages
    .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
    .map((message) => message.message);
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it('keeps I/O libraries out of the pure protocol library', async () => {
    const errors = await boundaryErrors('libs/ocpp/src/index.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/kafkajs/);
  });

  it('forbids the protocol library from importing any project of ours', async () => {
    const errors = await boundaryErrors('libs/ocpp/src/index.ts', "import { waitFor } from '@evcsms/testing';\nexport const w = waitFor;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/type:protocol/);
  });

  it('lets the protocol library use its schema validator', async () => {
    const errors = await boundaryErrors('libs/ocpp/src/index.ts', "import Ajv from 'ajv';\nexport const a = Ajv;\n");
    expect(errors).toEqual([]);
  });

  it('keeps kafkajs inside the kafka adapter: a tool may not import it', async () => {
    const errors = await boundaryErrors('tools/lint/module-boundaries.spec.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/kafkajs/);
  });
});
