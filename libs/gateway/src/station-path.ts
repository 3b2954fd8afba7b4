/**
 * `/ocpp/{stationId}`: the station id is the last path segment, URL-decoded. OCPP 2.0.1 part 4
 * limits the identity to 48 characters from RFC 3986's unreserved set (no ':' since it is the
 * Basic auth username); 1.6 chargers in the field stay within that set too.
 */
export const OCPP_PATH_PREFIX = '/ocpp/';
const STATION_ID = /^[A-Za-z0-9._~-]{1,48}$/;

export type StationPathResult = { ok: true; stationId: string } | { ok: false; reason: string };

export function stationIdFromUrl(url: string): StationPathResult {
  const path = url.split('?')[0]!;
  if (!path.startsWith(OCPP_PATH_PREFIX)) return { ok: false, reason: `path must start with ${OCPP_PATH_PREFIX}` };
  const segments = path.slice(OCPP_PATH_PREFIX.length).split('/').filter((segment) => segment !== '');
  const last = segments[segments.length - 1];
  if (last === undefined) return { ok: false, reason: 'missing station id' };
  let stationId: string;
  try {
    stationId = decodeURIComponent(last);
  } catch {
    return { ok: false, reason: 'station id is not valid URL encoding' };
  }
  if (!STATION_ID.test(stationId) || stationId === '.' || stationId === '..') {
    return { ok: false, reason: 'station id must be 1-48 characters of A-Z a-z 0-9 . _ ~ -' };
  }
  return { ok: true, stationId };
}
