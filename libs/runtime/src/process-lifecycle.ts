import type { Logger } from '@evcsms/logging';

/** One part of a process to stop, named for the shutdown log. */
export interface ShutdownStep {
  readonly name: string;
  readonly stop: () => unknown;
}

/**
 * SIGTERM / SIGINT: run the shutdown steps once, in the order given (accept nothing new, drain,
 * flush, close the stores last), log one `shutdown step done` line per step and a final `stopped`,
 * then exit 0, or 1 if a step failed. A failed step is logged and the later ones still run: the
 * database must be closed cleanly whatever happened before. A second signal does not restart it.
 * A process started with an IPC channel (tools/scripts/start.mjs) also stops when the channel
 * closes, i.e. when the launcher is gone, however it went: no orphan keeps serving.
 */
export function stopOnSignals(logger: Logger, steps: ReadonlyArray<ShutdownStep>): void {
  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const began = Date.now();
    logger.info('stopping', { signal: reason });
    let failed = false;
    for (const step of steps) {
      const stepBegan = Date.now();
      try {
        await step.stop();
        logger.info('shutdown step done', { step: step.name, ms: Date.now() - stepBegan });
      } catch (error) {
        failed = true;
        logger.error('shutdown step failed', { step: step.name, error });
      }
    }
    logger.info('stopped', { signal: reason, ms: Date.now() - began, exitCode: failed ? 1 : 0 });
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  if (process.channel) {
    process.once('disconnect', () => void stop('launcher gone'));
    process.channel.unref();
  }
}

/** Runs a process's main; a start-up failure is printed and ends the process with status 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/** The one line supervisors and tests wait for: `{"ready":true,...}` on stdout. */
export function announceReady(details: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ready: true, ...details })}\n`);
}
