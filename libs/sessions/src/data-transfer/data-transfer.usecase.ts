import type { Logger } from '@evcsms/logging';
import type { DataTransferCommand, DataTransferStatus } from './data-transfer.command';

/**
 * Station-initiated DataTransfer: no vendor extension is implemented, so every vendorId is
 * unknown. Logged (the data itself is not: it may hold anything) and answered UnknownVendorId.
 */
export class DataTransferUseCase {
  constructor(private readonly logger: Logger) {}

  execute(command: DataTransferCommand): DataTransferStatus {
    this.logger.info('station DataTransfer for an unknown vendor', { ...command });
    return 'UnknownVendorId';
  }
}
