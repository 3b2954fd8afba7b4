// `npm start`: the all-in-one CSMS on embedded defaults, run from TypeScript source.
//
// Stopping: SIGTERM and SIGINT are passed on to the CSMS, which drains and logs `stopped`. npm
// (11) passes the signals it gets only to the `sh -c` it runs a script in, and a shell does not
// pass them on: package.json's start script therefore `exec`s this one in place of the shell.
// Should npm go away without passing a signal on, this script, re-parented, stops the CSMS the
// same way. The CSMS gets an IPC channel and stops when it closes: even a SIGKILL of this script
// leaves no CSMS serving on its own.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/csms/src/main.ts')], {
  cwd: root,
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  env: { TS_NODE_PROJECT: join(root, 'tsconfig.json'), ...process.env },
});
const stopChild = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopChild(signal));

if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    stopChild('SIGTERM');
  }, 200);
  watch.unref();
}

child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
