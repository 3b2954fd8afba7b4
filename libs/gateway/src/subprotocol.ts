import type { OcppVersion } from '@evcsms/ocpp';

/** RFC 6455 4.2.2: the server picks one of the offered subprotocols; ours is the preference order. */
export function negotiateSubprotocol(offeredHeader: string | undefined, preference: readonly OcppVersion[]): OcppVersion | undefined {
  if (!offeredHeader) return undefined;
  const offered = new Set(offeredHeader.split(',').map((token) => token.trim().toLowerCase()));
  return preference.find((protocol) => offered.has(protocol));
}
