import type { OcppVersion } from '@evcsms/ocpp';

type Response = Record<string, unknown>;

/**
 * Station-initiated actions no service owns yet, per version, with the answer each gets once it
 * is stored in the station event log. Acknowledgement-only actions are answered `{}` by the
 * gateway (reply-mode.ts); the others ask for a service that does not exist yet (certificates,
 * ISO 15118 smart charging) and get the spec's "not available" answer, never a CALLERROR, so
 * the station carries on. Everything else a station sends is owned by the sessions processors,
 * or answered by the gateway (Heartbeat).
 */
export const STATION_EVENT_ACTIONS: Readonly<Record<OcppVersion, ReadonlyMap<string, Response>>> = {
  'ocpp1.6': new Map<string, Response>([
    ['DiagnosticsStatusNotification', {}],
    ['FirmwareStatusNotification', {}],
    ['LogStatusNotification', {}],
    ['SecurityEventNotification', {}],
    ['SignedFirmwareStatusNotification', {}],
    // No certificate authority yet: the CSR is kept, the request refused.
    ['SignCertificate', { status: 'Rejected' }],
  ]),
  'ocpp2.0.1': new Map<string, Response>([
    ['ClearedChargingLimit', {}],
    ['FirmwareStatusNotification', {}],
    ['LogStatusNotification', {}],
    ['NotifyChargingLimit', {}],
    ['NotifyCustomerInformation', {}],
    ['NotifyDisplayMessages', {}],
    ['NotifyEvent', {}],
    ['NotifyMonitoringReport', {}],
    ['NotifyReport', {}],
    ['PublishFirmwareStatusNotification', {}],
    ['ReportChargingProfiles', {}],
    ['SecurityEventNotification', {}],
    ['SignCertificate', { status: 'Rejected' }],
    ['Get15118EVCertificate', { status: 'Failed', exiResponse: '' }],
    ['GetCertificateStatus', { status: 'Failed' }],
    // "Rejected: service not available": no smart charging yet, the EV charges on its own schedule.
    ['NotifyEVChargingNeeds', { status: 'Rejected' }],
    // Informational: with no limits set by the CSMS there is nothing to object to.
    ['NotifyEVChargingSchedule', { status: 'Accepted' }],
  ]),
};

/** Every action name of either version that goes to the station event log. */
export const STATION_EVENT_ACTION_NAMES: readonly string[] = [...new Set(Object.values(STATION_EVENT_ACTIONS).flatMap((actions) => [...actions.keys()]))];
