// `npm start`: the all-in-one CSMS on embedded defaults, run from TypeScript source.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/csms/src/main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { TS_NODE_PROJECT: join(root, 'tsconfig.json'), ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
