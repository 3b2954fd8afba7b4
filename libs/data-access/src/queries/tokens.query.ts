import { MoreThan, QueryFailedError, type DataSource } from 'typeorm';
import { IdTokenEntity } from '../sessions/id-token.entity';

export function saveToken(db: DataSource, token: Partial<IdTokenEntity>): Promise<IdTokenEntity> {
  return db.getRepository(IdTokenEntity).save(token);
}

export function getToken(db: DataSource, id: string): Promise<IdTokenEntity | null> {
  return db.getRepository(IdTokenEntity).findOneBy({ id });
}

export function listTokens(db: DataSource, query: { limit: number; afterId?: string }): Promise<IdTokenEntity[]> {
  return db.getRepository(IdTokenEntity).find({ where: query.afterId !== undefined ? { id: MoreThan(query.afterId) } : {}, order: { id: 'ASC' }, take: query.limit });
}

/** A token by its value, case-insensitively (as OCPP compares IdTokens); ISO14443 first if several types share it. */
export function findTokenByValue(db: DataSource, idToken: string): Promise<IdTokenEntity | null> {
  return db
    .getRepository(IdTokenEntity)
    .createQueryBuilder('t')
    .where('lower(t.id_token) = lower(:idToken)', { idToken })
    .orderBy(`(t.type = 'ISO14443')`, 'DESC')
    .addOrderBy('t.type')
    .getOne();
}

/** PostgreSQL 23505: the row collides with a unique constraint. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23505';
}
