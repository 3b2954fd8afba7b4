import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import type { Ocpp16RequestMap, Ocpp16ResponseMap } from '@evcsms/ocpp';
import { ocpp16Authorization } from '../authorization/authorization.ocpp16.mapper';
import { parseDecimal } from '../domain/decimal';
import { parseOcppTime, wholeWh } from '../domain/invalid-payload.error';
import { normaliseSample, type MeterSample } from '../domain/meter-sample';
import type { MeterValuesCommand } from './meter-values.command';
import type { StartTransactionCommand } from './start-transaction.command';
import type { StartTransactionResult } from './start-transaction.usecase';
import type { StopTransactionCommand } from './stop-transaction.command';
import type { StopTransactionResult } from './stop-transaction.usecase';

type MeterValue16 = Ocpp16RequestMap['MeterValues']['meterValue'][number];

/**
 * 1.6 sampled values: value is text (Raw: a decimal; SignedData: not a number, skipped with a
 * log line), unit defaults to Wh for energy, kWh/kW are kept as Wh/W exactly.
 */
export function samplesOf16(meterValues: readonly MeterValue16[] | undefined, logger: Logger, stationId: string): MeterSample[] {
  const samples: MeterSample[] = [];
  for (const meterValue of meterValues ?? []) {
    const sampledAt = parseOcppTime(meterValue.timestamp, 'meterValue.timestamp');
    for (const sampled of meterValue.sampledValue) {
      const value = sampled.format === 'SignedData' ? null : parseDecimal(sampled.value);
      if (!value) {
        logger.debug('sampled value that is not a number skipped', { stationId, measurand: sampled.measurand, format: sampled.format });
        continue;
      }
      samples.push(
        normaliseSample({
          sampledAt,
          value,
          measurand: sampled.measurand,
          phase: sampled.phase,
          location: sampled.location,
          context: sampled.context,
          unit: sampled.unit,
        }),
      );
    }
  }
  return samples;
}

const receivedAtOf = (envelope: StationCallEnvelope): Date => parseOcppTime(envelope.receivedAt, 'receivedAt');

/** OCPP 1.6 <-> the transactions domain. */
export const ocpp16Transactions = {
  startTransaction(envelope: StationCallEnvelope): StartTransactionCommand {
    const payload = envelope.payload as unknown as Ocpp16RequestMap['StartTransaction'];
    return {
      stationId: envelope.stationId,
      connectorId: payload.connectorId,
      idTag: payload.idTag,
      meterStartWh: wholeWh(payload.meterStart, 'meterStart'),
      timestamp: parseOcppTime(payload.timestamp, 'timestamp'),
      reservationId: payload.reservationId ?? null,
      receivedAt: receivedAtOf(envelope),
    };
  },

  startTransactionResponse(result: StartTransactionResult): Ocpp16ResponseMap['StartTransaction'] {
    return { transactionId: result.transactionId, idTagInfo: ocpp16Authorization.idTagInfo(result.authorization) };
  },

  stopTransaction(envelope: StationCallEnvelope, logger: Logger): StopTransactionCommand {
    const payload = envelope.payload as unknown as Ocpp16RequestMap['StopTransaction'];
    return {
      stationId: envelope.stationId,
      transactionId: payload.transactionId,
      idTag: payload.idTag ?? null,
      meterStopWh: wholeWh(payload.meterStop, 'meterStop'),
      timestamp: parseOcppTime(payload.timestamp, 'timestamp'),
      reason: payload.reason ?? null,
      samples: samplesOf16(payload.transactionData, logger, envelope.stationId),
      receivedAt: receivedAtOf(envelope),
    };
  },

  stopTransactionResponse(result: StopTransactionResult): Ocpp16ResponseMap['StopTransaction'] {
    return result.authorization ? { idTagInfo: ocpp16Authorization.idTagInfo(result.authorization) } : {};
  },

  meterValues(envelope: StationCallEnvelope, logger: Logger): MeterValuesCommand {
    const payload = envelope.payload as unknown as Ocpp16RequestMap['MeterValues'];
    return {
      stationId: envelope.stationId,
      protocol: envelope.protocol,
      evseId: payload.connectorId,
      transactionId: payload.transactionId !== undefined ? String(payload.transactionId) : null,
      samples: samplesOf16(payload.meterValue, logger, envelope.stationId),
      receivedAt: receivedAtOf(envelope),
    };
  },
};
