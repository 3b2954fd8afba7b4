/**
 * Strings a station may send that are valid JSON and pass every OCPP schema, yet no text store
 * takes: U+0000 (PostgreSQL text and jsonb refuse it) and unpaired UTF-16 surrogates (jsonb
 * refuses them; a UTF-8 encoder silently turns them into U+FFFD). Other control characters are
 * stored fine and vendors do send them (newlines in DataTransfer data), so they are let through.
 *
 * Both can only reach a JS string through a JSON `\u` escape: JSON.parse refuses raw control
 * characters inside strings and the WebSocket layer refuses text frames that are not UTF-8. So the
 * hot path is one scan of the raw frame for `\u`; only frames that have one are walked.
 */
// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the raw frame text could carry unstorable text (it has a `\u` escape). */
export function mayCarryUnstorableText(frameText: string): boolean {
  return frameText.includes('\\u');
}

/**
 * The path (`idTagInfo.parentIdTag`, `meterValue[0].sampledValue[1].unit`) of the first string,
 * or property name, holding U+0000 or an unpaired surrogate; undefined when there is none. The
 * value itself is never part of the answer (it goes into logs and CALLERROR descriptions).
 */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '(value)' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findUnstorableText(value[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return `${path || '(payload)'} (a property name)`;
    const found = findUnstorableText(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The CALLERROR description for such a payload: where, and why, never the value. */
export function unstorableTextDescription(path: string): string {
  return `${path}: contains U+0000 or an unpaired UTF-16 surrogate, which the CSMS cannot store`;
}
