/**
 * Errors a bus adapter rejects publish() and subscribe() with, so callers can tell "try again
 * later" (answer the station with an error, it will retry) from a programming error.
 */

/** The bus could not confirm the messages in time (broker unreachable, too slow): retry later. */
export class BusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusUnavailableError';
  }
}

/** The bus was closed: nothing more is published or consumed through it. */
export class BusClosedError extends Error {
  constructor(message = 'the message bus is closed') {
    super(message);
    this.name = 'BusClosedError';
  }
}

/**
 * A handler failure caused by infrastructure (the database restarting, a network blip), not by
 * the message: it is retried with backoff for as long as it lasts and never dead-lettered, since
 * the message is fine and the partition must wait for the dependency rather than skip data.
 */
export class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableError';
  }
}
