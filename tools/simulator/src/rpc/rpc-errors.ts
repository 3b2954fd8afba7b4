/** The CSMS answered a CALL with a CALLERROR. */
export class CallErrorResponse extends Error {
  constructor(
    readonly action: string,
    readonly errorCode: string,
    readonly errorDescription: string,
    readonly errorDetails: Record<string, unknown>,
  ) {
    super(`${action} answered with ${errorCode}: ${errorDescription}`);
    this.name = 'CallErrorResponse';
  }
}

/** The connection closed (or was never open) before the answer came. */
export class ConnectionLost extends Error {
  constructor(readonly action: string) {
    super(`connection lost before ${action} was answered`);
    this.name = 'ConnectionLost';
  }
}

export class CallTimeout extends Error {
  constructor(
    readonly action: string,
    readonly timeoutMs: number,
  ) {
    super(`${action} not answered within ${timeoutMs} ms`);
    this.name = 'CallTimeout';
  }
}

/**
 * A frame failed schema validation. When the simulator built it, this is a bug in the simulator:
 * it is thrown (and recorded) instead of sending the frame.
 */
export class ProtocolViolationError extends Error {
  constructor(
    readonly culprit: 'simulator' | 'csms',
    readonly action: string,
    readonly direction: 'request' | 'response',
    description: string,
  ) {
    super(`${culprit === 'simulator' ? 'simulator bug' : 'CSMS sent'}: invalid ${action} ${direction}: ${description}`);
    this.name = 'ProtocolViolationError';
  }
}
