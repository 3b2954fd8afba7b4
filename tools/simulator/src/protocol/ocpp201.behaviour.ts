import type { Connector, Session, SessionTrigger, StopReason } from '../station/connector.model';
import { samplesOf, type SampleContext } from './sampled-values';
import type { BootReason, EndTrigger, MessageContext, OutboundMessage, SampleTrigger, StationIdentity, VersionBehaviour } from './version-behaviour';

const STOPPED_REASONS: Record<StopReason, string> = {
  EVDisconnected: 'EVDisconnected',
  Local: 'Local',
  Remote: 'Remote',
  DeAuthorized: 'DeAuthorized',
  SoftReset: 'ImmediateReset',
  HardReset: 'ImmediateReset',
  ImmediateReset: 'ImmediateReset',
  UnlockCommand: 'Other',
  PowerLoss: 'PowerLoss',
  Reboot: 'Reboot',
  Other: 'Other',
};

const CONNECTOR_STATUS: Record<Connector['status'], string> = {
  Available: 'Available',
  Preparing: 'Occupied',
  Charging: 'Occupied',
  SuspendedEV: 'Occupied',
  SuspendedEVSE: 'Occupied',
  Finishing: 'Occupied',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

function meterValue(connector: Connector, timestamp: string, context: SampleContext, withEv: boolean): Record<string, unknown> {
  return {
    timestamp,
    sampledValue: samplesOf(connector, withEv).map((sample) => ({
      value: sample.value,
      context,
      measurand: sample.measurand,
      location: sample.location,
      unitOfMeasure: { unit: sample.unit },
    })),
  };
}

/** The EVSE is the connector's number; each EVSE has one connector (id 1). */
const evseOf = (connector: Connector): Record<string, unknown> => ({ id: connector.id, connectorId: 1 });

function event(
  eventType: 'Started' | 'Updated' | 'Ended',
  session: Session,
  connector: Connector,
  triggerReason: string,
  context: MessageContext,
  extra: Record<string, unknown>,
  info: Record<string, unknown> = {},
): OutboundMessage {
  const seqNo = session.seqNo;
  session.seqNo += 1;
  return {
    action: 'TransactionEvent',
    payload: {
      eventType,
      timestamp: context.timestamp,
      triggerReason,
      seqNo,
      ...(context.offline ? { offline: true } : {}),
      transactionInfo: { transactionId: session.localId, chargingState: session.chargingState, ...info },
      evse: evseOf(connector),
      ...extra,
    },
  };
}

/** OCPP 2.0.1 messages. */
export const OCPP201_BEHAVIOUR: VersionBehaviour = {
  version: '2.0.1',

  bootNotification(identity: StationIdentity, reason: BootReason): OutboundMessage {
    return {
      action: 'BootNotification',
      payload: {
        reason,
        chargingStation: { vendorName: identity.vendor, model: identity.model, serialNumber: identity.serialNumber, firmwareVersion: identity.firmwareVersion },
      },
    };
  },

  statusNotification(connector, at): OutboundMessage | undefined {
    // 2.0.1 reports connectors of EVSEs only; the station as a whole has no status notification.
    if (connector.id === 0) return undefined;
    return { action: 'StatusNotification', payload: { timestamp: at, connectorStatus: CONNECTOR_STATUS[connector.status], evseId: connector.id, connectorId: 1 } };
  },

  authorize(idTag, idTokenType): OutboundMessage {
    return { action: 'Authorize', payload: { idToken: { idToken: idTag, type: idTokenType } } };
  },

  tokenStatus(response): string | undefined {
    return (response['idTokenInfo'] as { status?: string } | undefined)?.status;
  },

  transactionStarted(session, connector, trigger: SessionTrigger, context): OutboundMessage {
    const at = new Date(session.startedAt).toISOString();
    return event(
      'Started',
      session,
      connector,
      trigger,
      { ...context, timestamp: at },
      {
        idToken: { idToken: session.idTag, type: session.idTokenType },
        meterValue: [meterValue(connector, at, 'Transaction.Begin', false)],
        ...(session.reservationId !== undefined ? { reservationId: session.reservationId } : {}),
      },
      session.remoteStartId !== undefined ? { remoteStartId: session.remoteStartId } : {},
    );
  },

  transactionSample(session, connector, trigger: SampleTrigger, context): OutboundMessage {
    return event('Updated', session, connector, trigger, context, {
      meterValue: [meterValue(connector, context.timestamp, trigger === 'Trigger' ? 'Trigger' : 'Sample.Periodic', true)],
    });
  },

  transactionEnded(session, connector, reason, trigger: EndTrigger, context): OutboundMessage {
    const at = new Date(session.stoppedAt ?? session.startedAt).toISOString();
    return event(
      'Ended',
      session,
      connector,
      trigger,
      { ...context, timestamp: at },
      { meterValue: [meterValue(connector, at, 'Transaction.End', false)] },
      { stoppedReason: STOPPED_REASONS[reason] },
    );
  },

  idleMeterValues(connector, at): OutboundMessage {
    return { action: 'MeterValues', payload: { evseId: connector.id, meterValue: [meterValue(connector, at, 'Trigger', false)] } };
  },

  firmwareStatus(status, requestId): OutboundMessage {
    return { action: 'FirmwareStatusNotification', payload: { status, ...(requestId !== undefined ? { requestId } : {}) } };
  },

  logStatus(status, requestId): OutboundMessage {
    return { action: 'LogStatusNotification', payload: { status, ...(requestId !== undefined ? { requestId } : {}) } };
  },
};
