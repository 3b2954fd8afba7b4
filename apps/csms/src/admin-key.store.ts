import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredAdminKey {
  readonly key: string;
  readonly path: string;
  /** True on the run that generated it: the only run that prints it. */
  readonly created: boolean;
}

export const ADMIN_KEY_FILE = 'admin-api-key';

/**
 * The embedded admin key when ADMIN_API_KEY is unset: generated once and kept in
 * DATA_DIR/admin-api-key (mode 0600, readable by its owner only) so that it stays the same
 * across runs. The user needs the key itself, so it is stored as is, not hashed.
 */
export function loadOrCreateAdminKey(dataDir: string): StoredAdminKey {
  const path = join(dataDir, ADMIN_KEY_FILE);
  const existing = readKey(path);
  if (existing) return { key: existing, path, created: false };
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(24).toString('base64url');
  try {
    // 'wx': two first runs at once must not each write a key of their own.
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const written = (error as NodeJS.ErrnoException).code === 'EEXIST' ? readKey(path) : undefined;
    if (written) return { key: written, path, created: false };
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${path} is empty: delete it for a new admin key, or set ADMIN_API_KEY`);
    throw error;
  }
  return { key, path, created: true };
}

function readKey(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
