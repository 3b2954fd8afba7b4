import { badRequest } from './problem';

/** Every list answers `{ items, nextCursor }`; cursors are opaque to clients. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 500;

export function pageSize(raw: string | undefined, fallback = 50): number {
  if (raw === undefined) return fallback;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badRequest(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return size;
}

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined, keys: readonly (keyof T & string)[]): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (keys.every((key) => typeof parsed[key] === 'string' || typeof parsed[key] === 'number')) return parsed as T;
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not one this API issued');
}

/** Given limit+1 rows, returns a page and the cursor for the next one. */
export function toPage<Row, Item>(rows: readonly Row[], limit: number, toItem: (row: Row) => Item, cursorOf: (row: Row) => Record<string, string | number>): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
