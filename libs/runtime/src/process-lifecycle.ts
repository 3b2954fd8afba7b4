import type { Logger } from '@evcsms/logging';

/**
 * SIGTERM / SIGINT: run the shutdown steps once, in order (drain first, close stores last), then
 * exit 0, or 1 if a step failed. Kubernetes sends SIGTERM; a second signal does not restart it.
 */
export function stopOnSignals(logger: Logger, steps: ReadonlyArray<() => unknown>): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    steps
      .reduce<Promise<unknown>>((previous, step) => previous.then(() => step()), Promise.resolve())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
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
