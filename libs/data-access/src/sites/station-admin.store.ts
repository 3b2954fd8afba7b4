import { MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { StationEntity } from '../sessions/station.entity';
import { SiteEntity } from './site.entity';

export type NewSite = Omit<SiteEntity, 'createdAt' | 'updatedAt'>;
export type SitePatch = Partial<Omit<NewSite, 'id'>>;

export interface NewStation {
  readonly id: string;
  readonly siteId: string | null;
  readonly securityProfile: number;
  readonly passwordHash: string | null;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly tags: string[];
}

export type StationPatch = Partial<Pick<StationEntity, 'siteId' | 'vendor' | 'model' | 'tags' | 'pendingSecurityProfile' | 'passwordHash'>>;

/**
 * Writes of sites and managed stations, one transaction per operation. Station rows referring
 * to a site take a share lock on it and deleting a site takes an exclusive one, so a station is
 * never attached to a site that is being deleted.
 */
export class StationAdminStore {
  constructor(private readonly tx: EntityManager) {}

  /** The site, share-locked; null when it does not exist. */
  async lockSiteShared(siteId: string): Promise<SiteEntity | null> {
    return this.tx.getRepository(SiteEntity).createQueryBuilder('site').setLock('pessimistic_read').where('site.id = :siteId', { siteId }).getOne();
  }

  async insertSite(site: NewSite): Promise<SiteEntity | null> {
    const inserted: unknown[] = await this.tx.query(
      `INSERT INTO sites (id, name, time_zone, address, latitude, longitude, grid_connection, opening_times, operator, parking_type, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        site.id,
        site.name,
        site.timeZone,
        json(site.address),
        site.latitude,
        site.longitude,
        json(site.gridConnection),
        json(site.openingTimes),
        json(site.operator),
        site.parkingType,
        site.tags,
      ],
    );
    return inserted.length === 0 ? null : this.tx.getRepository(SiteEntity).findOneByOrFail({ id: site.id });
  }

  async updateSite(siteId: string, patch: SitePatch): Promise<SiteEntity | null> {
    const repository = this.tx.getRepository(SiteEntity);
    const site = await repository.createQueryBuilder('site').setLock('pessimistic_write').where('site.id = :siteId', { siteId }).getOne();
    if (!site) return null;
    return repository.save(repository.merge(site, patch as Partial<SiteEntity>));
  }

  /** Deletes an empty site: 'not-found', the number of stations still in it, or 'deleted'. */
  async deleteSite(siteId: string): Promise<'deleted' | 'not-found' | { readonly stations: number }> {
    const site = await this.tx.getRepository(SiteEntity).createQueryBuilder('site').setLock('pessimistic_write').where('site.id = :siteId', { siteId }).getOne();
    if (!site) return 'not-found';
    const stations = await this.tx.getRepository(StationEntity).countBy({ siteId });
    if (stations > 0) return { stations };
    await this.tx.getRepository(SiteEntity).delete({ id: siteId });
    return 'deleted';
  }

  /**
   * A new managed station, or a deleted one provisioned again under its id (its history stays).
   * Null when a station with this id exists (connected on its own, or provisioned before).
   */
  async insertStation(station: NewStation): Promise<StationEntity | null> {
    const rows: unknown[] = await this.tx.query(
      `INSERT INTO stations (id, site_id, security_profile, password_hash, vendor, model, tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, security_profile = excluded.security_profile, password_hash = excluded.password_hash,
         pending_password_hash = NULL, pending_security_profile = NULL, vendor = excluded.vendor, model = excluded.model, tags = excluded.tags,
         deleted_at = NULL, updated_at = now()
       WHERE stations.deleted_at IS NOT NULL
       RETURNING id`,
      [station.id, station.siteId, station.securityProfile, station.passwordHash, station.vendor, station.model, station.tags],
    );
    return rows.length === 0 ? null : this.tx.getRepository(StationEntity).findOneByOrFail({ id: station.id });
  }

  /** The live (not deleted) station, locked for update; null when there is none. */
  async lockStation(stationId: string): Promise<StationEntity | null> {
    return this.tx
      .getRepository(StationEntity)
      .createQueryBuilder('station')
      .setLock('pessimistic_write')
      .where('station.id = :stationId AND station.deleted_at IS NULL', { stationId })
      .getOne();
  }

  async updateStation(station: StationEntity, patch: StationPatch): Promise<StationEntity> {
    return this.tx.getRepository(StationEntity).save(this.tx.getRepository(StationEntity).merge(station, patch));
  }

  /** Marks it deleted: it leaves its site, its credentials are dropped, its history stays. */
  async deleteStation(stationId: string): Promise<boolean> {
    const result = await this.tx
      .createQueryBuilder()
      .update(StationEntity)
      .set({ deletedAt: () => 'now()', siteId: null, passwordHash: null, pendingPasswordHash: null, pendingSecurityProfile: null })
      .where('id = :stationId AND deleted_at IS NULL', { stationId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async setPendingPassword(stationId: string, hash: string): Promise<void> {
    await this.tx.query(`UPDATE stations SET pending_password_hash = $2, updated_at = now() WHERE id = $1`, [stationId, hash]);
  }

  /** Drops a pending password the station refused, unless another rotation replaced it. */
  async dropPendingPassword(stationId: string, hash: string): Promise<void> {
    await this.tx.query(`UPDATE stations SET pending_password_hash = NULL, updated_at = now() WHERE id = $1 AND pending_password_hash = $2`, [stationId, hash]);
  }
}

export function stationAdminTransaction<T>(db: DataSource, work: (store: StationAdminStore) => Promise<T>): Promise<T> {
  return db.transaction((tx) => work(new StationAdminStore(tx)));
}

export function getSite(db: DataSource, siteId: string): Promise<SiteEntity | null> {
  return db.getRepository(SiteEntity).findOneBy({ id: siteId });
}

export function listSites(db: DataSource, query: { limit: number; afterId?: string }): Promise<SiteEntity[]> {
  return db.getRepository(SiteEntity).find({ where: query.afterId !== undefined ? { id: MoreThan(query.afterId) } : {}, order: { id: 'ASC' }, take: query.limit });
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
