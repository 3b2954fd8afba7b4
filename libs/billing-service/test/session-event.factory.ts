import { randomUUID } from 'node:crypto';
import type { SessionEvent, SessionSnapshot } from '@evcsms/sessions';

/** A tariff most stories use: 0.25 EUR/kWh and a 1.00 EUR session fee, 20 % VAT. */
export function energyTariff(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    currency: 'EUR',
    elements: [
      {
        price_components: [
          { type: 'ENERGY', price: 0.25, vat: 20, step_size: 1 },
          { type: 'FLAT', price: 1, vat: 20, step_size: 1 },
        ],
      },
    ],
    ...extra,
  };
}

/**
 * One charging session's events as the sessions service publishes them: started, an update per
 * meter reading (cumulative Wh at an instant), ended. Event ids are fixed per instance, so
 * delivering an event twice is delivering the same event.
 */
export class SessionStory {
  readonly sessionId = randomUUID();
  private readonly base: SessionSnapshot;

  constructor(
    readonly stationId: string,
    options: { protocol?: 'ocpp1.6' | 'ocpp2.0.1'; startedAt: string; idToken?: string; transactionId?: string },
  ) {
    this.base = {
      sessionId: this.sessionId,
      stationId,
      evseId: 1,
      connectorId: 1,
      protocol: options.protocol ?? 'ocpp1.6',
      transactionId: options.transactionId ?? '1',
      idToken: options.idToken ?? 'TAG-1',
      idTokenType: 'ISO14443',
      status: 'active',
      startedAt: options.startedAt,
      endedAt: null,
      energyWh: 0,
      meterReadAt: options.startedAt,
      meterStartWh: 1000,
      meterStopWh: null,
      stopReason: null,
      flags: [],
    };
  }

  started(): SessionEvent {
    return { eventId: randomUUID(), type: 'session-started', stationId: this.stationId, occurredAt: this.base.startedAt, session: this.base };
  }

  updated(at: string, energyWh: number): SessionEvent {
    return { eventId: randomUUID(), type: 'session-updated', stationId: this.stationId, occurredAt: at, session: { ...this.base, energyWh, meterReadAt: at } };
  }

  ended(at: string, energyWh: number, options: { correction?: boolean; receivedAt?: string } = {}): SessionEvent {
    return {
      eventId: randomUUID(),
      type: 'session-ended',
      stationId: this.stationId,
      occurredAt: options.receivedAt ?? at,
      correction: options.correction ?? false,
      session: { ...this.base, status: 'completed', endedAt: at, energyWh, meterReadAt: at, meterStopWh: 1000 + energyWh, stopReason: 'Local' },
    };
  }
}
