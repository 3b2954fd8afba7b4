import type { GridConnection, OpeningTimes, SiteAddress, SiteEntity, SiteOperator } from '@evcsms/data-access';

export interface SiteView {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly address: SiteAddress | null;
  readonly coordinates: { readonly latitude: number; readonly longitude: number } | null;
  readonly gridConnection: GridConnection | null;
  readonly openingTimes: OpeningTimes | null;
  readonly operator: SiteOperator | null;
  readonly parkingType: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function siteView(site: SiteEntity): SiteView {
  return {
    id: site.id,
    name: site.name,
    timeZone: site.timeZone,
    address: site.address,
    coordinates: site.latitude === null || site.longitude === null ? null : { latitude: site.latitude, longitude: site.longitude },
    gridConnection: site.gridConnection,
    openingTimes: site.openingTimes,
    operator: site.operator,
    parkingType: site.parkingType,
    tags: site.tags,
    createdAt: site.createdAt.toISOString(),
    updatedAt: site.updatedAt.toISOString(),
  };
}
