import type { DataSource } from 'typeorm';
import { StationEntity } from './station.entity';

export interface StationCredentialRow {
  readonly stationId: string;
  readonly securityProfile: 0 | 1 | 2 | 3;
  readonly passwordHash?: string;
  readonly vendor?: string;
  readonly model?: string;
}

/** What the gateway needs to authenticate a station, nothing more. */
export async function findStationCredential(dataSource: DataSource, stationId: string): Promise<StationCredentialRow | undefined> {
  const station = await dataSource
    .getRepository(StationEntity)
    .findOne({ where: { id: stationId }, select: { id: true, securityProfile: true, passwordHash: true, vendor: true, model: true } });
  if (!station) return undefined;
  const profile = station.securityProfile;
  return {
    stationId: station.id,
    securityProfile: profile === 0 || profile === 2 || profile === 3 ? profile : 1,
    ...(station.passwordHash ? { passwordHash: station.passwordHash } : {}),
    ...(station.vendor ? { vendor: station.vendor } : {}),
    ...(station.model ? { model: station.model } : {}),
  };
}
