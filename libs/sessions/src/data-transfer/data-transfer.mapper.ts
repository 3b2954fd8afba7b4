import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Ocpp16RequestMap, Ocpp201RequestMap } from '@evcsms/ocpp';
import type { DataTransferCommand } from './data-transfer.command';

/** 1.6 and 2.0.1 DataTransfer requests share vendorId and messageId; only data differs (text / any JSON). */
export function dataTransferCommand(envelope: StationCallEnvelope): DataTransferCommand {
  const payload = envelope.payload as unknown as Ocpp16RequestMap['DataTransfer'] | Ocpp201RequestMap['DataTransfer'];
  return { stationId: envelope.stationId, protocol: envelope.protocol, vendorId: payload.vendorId, messageId: payload.messageId ?? null };
}
