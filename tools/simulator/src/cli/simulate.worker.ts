/**
 * A simulator worker process, forked by simulate.cli.ts: each process holds at most ~18,000
 * sockets (the per-process file limit is 20,000), so big fleets are spread over several.
 */
import { FleetRun } from './fleet-run';
import type { FromWorker, ToWorker } from './worker-protocol';

const send = (message: FromWorker): void => {
  if (process.connected) process.send?.(message);
};

let run: FleetRun | undefined;

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      run = new FleetRun(message.args, message.start, message.end, send);
      run.start().catch((error: unknown) => send({ type: 'failed', message: String(error) }));
      return;
    case 'stop':
      void (run ? run.stop() : Promise.resolve()).finally(() => process.disconnect());
      return;
  }
});

// The CLI process went away (Ctrl-C, crash): no orphaned load generator.
process.on('disconnect', () => process.exit(0));
