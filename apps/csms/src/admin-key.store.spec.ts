import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY_FILE, loadOrCreateAdminKey } from './admin-key.store';

describe('the embedded admin key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'admin-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated once into DATA_DIR, readable by its owner only, and the same on every later run', () => {
    const dataDir = join(dir, 'data');
    const first = loadOrCreateAdminKey(dataDir);
    expect(first).toMatchObject({ created: true, path: join(dataDir, ADMIN_KEY_FILE) });
    expect(first.key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.path, 'utf8').trim()).toBe(first.key);
    expect(loadOrCreateAdminKey(dataDir)).toEqual({ key: first.key, path: first.path, created: false });
  });

  it('refuses an empty key file instead of running without a key', () => {
    writeFileSync(join(dir, ADMIN_KEY_FILE), '\n');
    expect(() => loadOrCreateAdminKey(dir)).toThrow(/is empty/);
  });
});
