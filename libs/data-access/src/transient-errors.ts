/**
 * Errors that say the database is unreachable or restarting, not that the statement is wrong:
 * retrying later will succeed. Codes: SQLSTATE class 08 (connection), 57P01-57P03 (shutdown,
 * crash, cannot connect now), 53300 (too many connections); plus Node socket errors.
 */
const TRANSIENT_SQLSTATE = /^(08|57P0[123]|53300|40001|40P01)/;
const TRANSIENT_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const candidate = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && (TRANSIENT_SQLSTATE.test(candidate.code) || TRANSIENT_SOCKET.has(candidate.code))) return true;
    if (typeof candidate.message === 'string' && TRANSIENT_MESSAGE.test(candidate.message)) return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}
