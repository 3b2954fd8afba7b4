import { QueryFailedError, type DataSource } from 'typeorm';
import { IdTokenEntity } from '../sessions/id-token.entity';

export function saveToken(db: DataSource, token: Partial<IdTokenEntity>): Promise<IdTokenEntity> {
  return db.getRepository(IdTokenEntity).save(token);
}

export function getToken(db: DataSource, id: string): Promise<IdTokenEntity | null> {
  return db.getRepository(IdTokenEntity).findOneBy({ id });
}

/** Tokens by id; `idToken` matches case-insensitively (as OCPP compares IdTokens, on the unique index's expression). */
export function listTokens(db: DataSource, query: { limit: number; afterId?: string; idToken?: string; type?: string }): Promise<IdTokenEntity[]> {
  const select = db.getRepository(IdTokenEntity).createQueryBuilder('t').orderBy('t.id', 'ASC').take(query.limit);
  if (query.afterId !== undefined) select.andWhere('t.id > :afterId', { afterId: query.afterId });
  if (query.idToken !== undefined) select.andWhere('lower(t.id_token) = lower(:idToken)', { idToken: query.idToken });
  if (query.type !== undefined) select.andWhere('t.type = :type', { type: query.type });
  return select.getMany();
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
