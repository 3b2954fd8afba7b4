import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../api/api-key.entity';

export function findApiKeyByHash(db: DataSource, keyHash: string): Promise<ApiKeyEntity | null> {
  return db.getRepository(ApiKeyEntity).findOneBy({ keyHash });
}

export function insertApiKey(db: DataSource, key: Pick<ApiKeyEntity, 'name' | 'scopes' | 'keyHash' | 'keyPrefix'>): Promise<ApiKeyEntity> {
  return db.getRepository(ApiKeyEntity).save({ ...key, revokedAt: null });
}

export function listApiKeys(db: DataSource): Promise<ApiKeyEntity[]> {
  return db.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
}

export async function revokeApiKey(db: DataSource, id: string): Promise<boolean> {
  const result = await db.getRepository(ApiKeyEntity).update({ id }, { revokedAt: new Date() });
  return (result.affected ?? 0) > 0;
}
