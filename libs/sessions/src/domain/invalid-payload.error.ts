import type { RpcErrorKind } from '@evcsms/ocpp';

/**
 * A payload that passed schema validation but still cannot be processed (an impossible date, a
 * meterStart beyond any meter). Answered with a CALLERROR: processing it again would fail again,
 * so it must not be retried by the bus.
 */
export class InvalidPayloadError extends Error {
  constructor(
    readonly kind: RpcErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidPayloadError';
  }
}

/** OCPP date-times carry a zone (the gateway's schema validation makes sure); kept to the millisecond. */
export function parseOcppTime(text: string, field: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new InvalidPayloadError('TypeConstraintViolation', `${field}: not a date-time: ${text}`);
  return time;
}

export function wholeWh(value: number, field: string): bigint {
  if (!Number.isSafeInteger(value)) throw new InvalidPayloadError('TypeConstraintViolation', `${field}: not a whole number of Wh: ${value}`);
  return BigInt(value);
}
