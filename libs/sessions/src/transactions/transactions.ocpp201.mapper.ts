import type { StationCallEnvelope } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import type { Ocpp201, Ocpp201RequestMap, Ocpp201ResponseMap } from '@evcsms/ocpp';
import { ocpp201Authorization } from '../authorization/authorization.ocpp201.mapper';
import { decimalFromNumber } from '../domain/decimal';
import { parseOcppTime } from '../domain/invalid-payload.error';
import { normaliseSample, type MeterSample } from '../domain/meter-sample';
import type { MeterValuesCommand } from './meter-values.command';
import type { TransactionEventCommand } from './transaction-event.command';
import type { TransactionEventResult } from './transaction-event.usecase';

/**
 * 2.0.1 sampled values: value is a JSON number, unitOfMeasure {unit, multiplier} scales it by a
 * power of ten; both applied exactly on the number's decimal text.
 */
export function samplesOf201(meterValues: readonly Ocpp201.MeterValueType[] | undefined, logger: Logger, stationId: string): MeterSample[] {
  const samples: MeterSample[] = [];
  for (const meterValue of meterValues ?? []) {
    const sampledAt = parseOcppTime(meterValue.timestamp, 'meterValue.timestamp');
    for (const sampled of meterValue.sampledValue) {
      const value = decimalFromNumber(sampled.value);
      if (!value) {
        logger.debug('sampled value that is not a finite number skipped', { stationId, measurand: sampled.measurand });
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
          unit: sampled.unitOfMeasure?.unit,
          multiplier: sampled.unitOfMeasure?.multiplier,
        }),
      );
    }
  }
  return samples;
}

/** OCPP 2.0.1 <-> the transactions domain. */
export const ocpp201Transactions = {
  transactionEvent(envelope: StationCallEnvelope, logger: Logger): TransactionEventCommand {
    const payload = envelope.payload as unknown as Ocpp201RequestMap['TransactionEvent'];
    const info = payload.transactionInfo;
    return {
      stationId: envelope.stationId,
      eventType: payload.eventType,
      timestamp: parseOcppTime(payload.timestamp, 'timestamp'),
      triggerReason: payload.triggerReason,
      seqNo: payload.seqNo,
      offline: payload.offline ?? false,
      transactionId: info.transactionId,
      // An EVSE named without a connector: its first (and usually only) connector.
      evse: payload.evse ? { evseId: payload.evse.id, connectorId: payload.evse.connectorId ?? 1 } : null,
      idToken: payload.idToken ? ocpp201Authorization.tokenRef(payload.idToken) : null,
      stoppedReason: info.stoppedReason ?? null,
      chargingState: info.chargingState ?? null,
      remoteStartId: info.remoteStartId ?? null,
      reservationId: payload.reservationId ?? null,
      samples: samplesOf201(payload.meterValue, logger, envelope.stationId),
      receivedAt: parseOcppTime(envelope.receivedAt, 'receivedAt'),
    };
  },

  transactionEventResponse(result: TransactionEventResult): Ocpp201ResponseMap['TransactionEvent'] {
    return result.authorization ? { idTokenInfo: ocpp201Authorization.idTokenInfo(result.authorization) } : {};
  },

  meterValues(envelope: StationCallEnvelope, logger: Logger): MeterValuesCommand {
    const payload = envelope.payload as unknown as Ocpp201RequestMap['MeterValues'];
    return {
      stationId: envelope.stationId,
      protocol: envelope.protocol,
      evseId: payload.evseId,
      transactionId: null,
      samples: samplesOf201(payload.meterValue, logger, envelope.stationId),
      receivedAt: parseOcppTime(envelope.receivedAt, 'receivedAt'),
    };
  },
};
