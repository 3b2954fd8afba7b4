import { DEFAULT_TENANT, ENVELOPE_VERSION, replyModeOf, type StationCallEnvelope, type StationPresenceEnvelope } from '@evcsms/contracts';
import type { Ocpp16RequestMap, Ocpp201, Ocpp201RequestMap, OcppVersion } from '@evcsms/ocpp';

/** Test time: minutes after a fixed instant, as ISO-8601. */
export const BASE_TIME = Date.parse('2026-03-01T08:00:00.000Z');
export const at = (minutes: number): string => new Date(BASE_TIME + minutes * 60_000).toISOString();

interface Sent {
  /** When the gateway received it (default: a second after the previous message). */
  readonly receivedAt?: string;
}

/**
 * Builds the envelopes a gateway would put on the bus for one simulated station: message ids,
 * connection, pod and receive times filled in the way the gateway does.
 */
abstract class SimulatedStation {
  private messages = 0;
  private clock: number;
  connectionId: string;
  podId = 'pod-a';

  constructor(
    readonly stationId: string,
    readonly protocol: OcppVersion,
  ) {
    this.connectionId = `${stationId}-conn-1`;
    this.clock = BASE_TIME;
  }

  /** The station reconnects: later messages come on a new connection (optionally through another pod). */
  reconnect(connectionId: string, podId = this.podId): void {
    this.connectionId = connectionId;
    this.podId = podId;
  }

  /** Moves the receive clock (the gateway's time) to this instant. */
  receiveAt(iso: string): void {
    this.clock = Date.parse(iso);
  }

  call(action: string, payload: object, sent: Sent = {}): StationCallEnvelope {
    this.messages += 1;
    this.clock = sent.receivedAt ? Date.parse(sent.receivedAt) : this.clock + 1000;
    const body = payload as Record<string, unknown>;
    return {
      v: ENVELOPE_VERSION,
      type: 'station-call',
      stationId: this.stationId,
      tenantId: DEFAULT_TENANT,
      protocol: this.protocol,
      action,
      messageId: `${this.stationId}-${this.messages}`,
      podId: this.podId,
      connectionId: this.connectionId,
      receivedAt: new Date(this.clock).toISOString(),
      replyMode: replyModeOf(this.protocol, action, body),
      payload: body,
    };
  }

  online(atIso: string, connectionId = this.connectionId): StationPresenceEnvelope {
    return { ...this.presenceBase(atIso, connectionId), type: 'station-online', remoteAddress: '127.0.0.1', securityProfile: 1 };
  }

  offline(atIso: string, connectionId = this.connectionId, reason = 'closed-by-station'): StationPresenceEnvelope {
    return { ...this.presenceBase(atIso, connectionId), type: 'station-offline', reason, closeCode: 1000 };
  }

  activity(atIso: string, action = 'Heartbeat'): StationPresenceEnvelope {
    return { ...this.presenceBase(atIso, this.connectionId), type: 'station-activity', action };
  }

  private presenceBase(atIso: string, connectionId: string) {
    return {
      v: ENVELOPE_VERSION,
      stationId: this.stationId,
      tenantId: DEFAULT_TENANT,
      podId: this.podId,
      connectionId,
      protocol: this.protocol,
      at: atIso,
    } as const;
  }

  dataTransfer(vendorId: string, sent?: Sent): StationCallEnvelope {
    return this.call('DataTransfer', { vendorId, messageId: 'Hello' }, sent);
  }
}

export type SampledValue16 = Ocpp16RequestMap['MeterValues']['meterValue'][number]['sampledValue'][number];

/** An OCPP 1.6 charge point. */
export class Charger16 extends SimulatedStation {
  constructor(stationId: string) {
    super(stationId, 'ocpp1.6');
  }

  boot(overrides: Partial<Ocpp16RequestMap['BootNotification']> = {}, sent?: Sent): StationCallEnvelope {
    return this.call(
      'BootNotification',
      {
        chargePointVendor: 'Acme',
        chargePointModel: 'Wallbox 22',
        chargePointSerialNumber: `SN-${this.stationId}`,
        firmwareVersion: '1.4.2',
        iccid: '8931000000000000001',
        imsi: '204040000000001',
        meterType: 'DZG DVH4013',
        meterSerialNumber: 'M-77',
        ...overrides,
      },
      sent,
    );
  }

  status(connectorId: number, status: Ocpp16RequestMap['StatusNotification']['status'], timestamp: string, extra: Partial<Ocpp16RequestMap['StatusNotification']> = {}): StationCallEnvelope {
    return this.call('StatusNotification', { connectorId, errorCode: 'NoError', status, timestamp, ...extra });
  }

  authorize(idTag: string): StationCallEnvelope {
    return this.call('Authorize', { idTag });
  }

  start(request: Ocpp16RequestMap['StartTransaction'], sent?: Sent): StationCallEnvelope {
    return this.call('StartTransaction', request, sent);
  }

  meterValues(request: Ocpp16RequestMap['MeterValues'], sent?: Sent): StationCallEnvelope {
    return this.call('MeterValues', request, sent);
  }

  /** MeterValues with one energy register reading (Wh unless told). */
  register(connectorId: number, transactionId: number | undefined, timestamp: string, value: string, unit: SampledValue16['unit'] = 'Wh'): StationCallEnvelope {
    return this.meterValues({
      connectorId,
      ...(transactionId !== undefined ? { transactionId } : {}),
      meterValue: [
        {
          timestamp,
          sampledValue: [
            { value, unit, measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic' },
            { value: '7.4', unit: 'kW', measurand: 'Power.Active.Import', context: 'Sample.Periodic' },
            { value: '32.1', unit: 'A', measurand: 'Current.Import', phase: 'L1', context: 'Sample.Periodic' },
          ],
        },
      ],
    });
  }

  stop(request: Ocpp16RequestMap['StopTransaction'], sent?: Sent): StationCallEnvelope {
    return this.call('StopTransaction', request, sent);
  }
}

/** An OCPP 2.0.1 charging station. */
export class Station201 extends SimulatedStation {
  constructor(stationId: string) {
    super(stationId, 'ocpp2.0.1');
  }

  boot(reason: Ocpp201RequestMap['BootNotification']['reason'] = 'PowerUp', sent?: Sent): StationCallEnvelope {
    return this.call(
      'BootNotification',
      {
        reason,
        chargingStation: { vendorName: 'Volta', model: 'DC-150', serialNumber: `SN-${this.stationId}`, firmwareVersion: '2.0.9', modem: { iccid: '89310', imsi: '20404' } },
      },
      sent,
    );
  }

  status(evseId: number, connectorId: number, connectorStatus: Ocpp201RequestMap['StatusNotification']['connectorStatus'], timestamp: string): StationCallEnvelope {
    return this.call('StatusNotification', { evseId, connectorId, connectorStatus, timestamp });
  }

  authorize(idToken: string, type: Ocpp201.IdTokenEnumType = 'ISO14443'): StationCallEnvelope {
    return this.call('Authorize', { idToken: { idToken, type } });
  }

  transactionEvent(request: Ocpp201RequestMap['TransactionEvent'], sent?: Sent): StationCallEnvelope {
    return this.call('TransactionEvent', request, sent);
  }

  meterValues(evseId: number, meterValue: Ocpp201.MeterValueType[]): StationCallEnvelope {
    return this.call('MeterValues', { evseId, meterValue });
  }

  reservationStatusUpdate(reservationId: number, reservationUpdateStatus: 'Expired' | 'Removed'): StationCallEnvelope {
    return this.call('ReservationStatusUpdate', { reservationId, reservationUpdateStatus });
  }
}

/** A 2.0.1 energy register reading, with unitOfMeasure when given. */
export function energyReading201(timestamp: string, value: number, unitOfMeasure?: Ocpp201.UnitOfMeasureType, context: Ocpp201.ReadingContextEnumType = 'Sample.Periodic'): Ocpp201.MeterValueType {
  return {
    timestamp,
    sampledValue: [
      { value, context, measurand: 'Energy.Active.Import.Register', ...(unitOfMeasure ? { unitOfMeasure } : {}) },
      { value: 11, context, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'kW' } },
    ],
  };
}
