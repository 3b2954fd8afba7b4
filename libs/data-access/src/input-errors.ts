/**
 * PostgreSQL's verdict that a value itself cannot be stored: SQLSTATE class 22, "data exception"
 * (22021 "invalid byte sequence for encoding UTF8: 0x00", 22P05 "\u0000 cannot be converted to
 * text", 22P02 a jsonb with an unpaired surrogate, 22001 too long, 22003 out of range, 22008 a
 * date out of range). Another attempt fails the same way: the sessions service answers such a
 * station message with a CALLERROR instead of having it redelivered, the API answers 400. The
 * edges (gateway, API text guard) refuse such input first; this is the guard behind them.
 */
export function isInvalidInputDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = current as { code?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && candidate.code.startsWith('22')) return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}
