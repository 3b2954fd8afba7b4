import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { findApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey, type ApiKeyEntity, type ApiScope, type DataSource } from '@evcsms/data-access';

export const API_SCOPES: readonly ApiScope[] = ['read', 'operate', 'admin'];

/** What a scope lets a key do; higher scopes include the lower ones. */
const IMPLIED: Record<ApiScope, readonly ApiScope[]> = {
  read: ['read'],
  operate: ['read', 'operate'],
  admin: ['read', 'operate', 'admin'],
};

export interface Caller {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: ReadonlySet<ApiScope>;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function expandScopes(scopes: readonly ApiScope[]): ReadonlySet<ApiScope> {
  return new Set(scopes.flatMap((scope) => IMPLIED[scope]));
}

/**
 * Keys are `csms_` + 32 random bytes (base64url). Only their SHA-256 is stored; the plain key is
 * shown once, when created. The bootstrap admin key (ADMIN_API_KEY) is never stored at all.
 */
export class ApiKeysService {
  private readonly bootstrapHash: Buffer | undefined;

  constructor(
    private readonly dataSource: DataSource,
    bootstrapAdminKey: string | undefined,
  ) {
    this.bootstrapHash = bootstrapAdminKey ? Buffer.from(hashApiKey(bootstrapAdminKey), 'hex') : undefined;
  }

  async authenticate(presentedKey: string): Promise<Caller | undefined> {
    const hash = hashApiKey(presentedKey);
    if (this.bootstrapHash && timingSafeEqual(this.bootstrapHash, Buffer.from(hash, 'hex'))) {
      return { keyId: 'bootstrap', name: 'bootstrap admin (ADMIN_API_KEY)', scopes: expandScopes(['admin']) };
    }
    const key = await findApiKeyByHash(this.dataSource, hash);
    if (!key || key.revokedAt) return undefined;
    return { keyId: key.id, name: key.name, scopes: expandScopes(key.scopes) };
  }

  async create(name: string, scopes: readonly ApiScope[]): Promise<{ key: string; record: ApiKeyEntity }> {
    const key = `csms_${randomBytes(32).toString('base64url')}`;
    const record = await insertApiKey(this.dataSource, { name, scopes: [...scopes], keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) });
    return { key, record };
  }

  async list(): Promise<ApiKeyEntity[]> {
    return listApiKeys(this.dataSource);
  }

  async revoke(id: string): Promise<boolean> {
    return revokeApiKey(this.dataSource, id);
  }
}
