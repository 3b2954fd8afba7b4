import type { OcppVersion } from '@evcsms/ocpp';

export interface DataTransferCommand {
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly vendorId: string;
  readonly messageId: string | null;
}

/** The DataTransferStatus both versions share. */
export type DataTransferStatus = 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';
