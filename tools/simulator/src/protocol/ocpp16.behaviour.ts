import type { Connector, Session, StopReason } from '../station/connector.model';
import { samplesOf, type SampleContext } from './sampled-values';
import type { OutboundMessage, SampleTrigger, StationIdentity, VersionBehaviour } from './version-behaviour';

const STOP_REASONS: Record<StopReason, string> = {
  EVDisconnected: 'EVDisconnected',
  Local: 'Local',
  Remote: 'Remote',
  DeAuthorized: 'DeAuthorized',
  SoftReset: 'SoftReset',
  HardReset: 'HardReset',
  ImmediateReset: 'HardReset',
  UnlockCommand: 'UnlockCommand',
  PowerLoss: 'PowerLoss',
  Reboot: 'Reboot',
  Other: 'Other',
};

function meterValue(connector: Connector, timestamp: string, context: SampleContext, withEv: boolean): Record<string, unknown> {
  return {
    timestamp,
    // 1.6 carries every sampled value as a decimal string.
    sampledValue: samplesOf(connector, withEv).map((sample) => ({
      value: String(sample.value),
      context,
      measurand: sample.measurand,
      location: sample.location,
      unit: sample.unit,
    })),
  };
}

function transactionIdOf(session: Session): number {
  // Filled in by the time the message is sent: the StartTransaction ahead of it in the queue was answered.
  return session.transactionId ?? -1;
}

/** OCPP 1.6J messages. */
export const OCPP16_BEHAVIOUR: VersionBehaviour = {
  version: '1.6',

  bootNotification(identity: StationIdentity): OutboundMessage {
    return {
      action: 'BootNotification',
      payload: {
        chargePointVendor: identity.vendor,
        chargePointModel: identity.model,
        chargePointSerialNumber: identity.serialNumber,
        firmwareVersion: identity.firmwareVersion,
      },
    };
  },

  statusNotification(connector, at): OutboundMessage {
    return { action: 'StatusNotification', payload: { connectorId: connector.id, errorCode: 'NoError', status: connector.status, timestamp: at } };
  },

  authorize(idTag): OutboundMessage {
    return { action: 'Authorize', payload: { idTag } };
  },

  tokenStatus(response): string | undefined {
    return (response['idTagInfo'] as { status?: string } | undefined)?.status;
  },

  transactionStarted(session, connector): OutboundMessage {
    return {
      action: 'StartTransaction',
      payload: {
        connectorId: connector.id,
        idTag: session.idTag,
        meterStart: session.meterStartWh,
        timestamp: new Date(session.startedAt).toISOString(),
        ...(session.reservationId !== undefined ? { reservationId: session.reservationId } : {}),
      },
    };
  },

  transactionSample(session, connector, trigger: SampleTrigger, context): OutboundMessage {
    return {
      action: 'MeterValues',
      payload: {
        connectorId: connector.id,
        transactionId: transactionIdOf(session),
        meterValue: [meterValue(connector, context.timestamp, trigger === 'Trigger' ? 'Trigger' : 'Sample.Periodic', true)],
      },
    };
  },

  transactionEnded(session, connector, reason, _trigger, context): OutboundMessage {
    return {
      action: 'StopTransaction',
      payload: {
        transactionId: transactionIdOf(session),
        idTag: session.idTag,
        meterStop: session.meterStopWh ?? session.meterStartWh,
        timestamp: new Date(session.stoppedAt ?? session.startedAt).toISOString(),
        reason: STOP_REASONS[reason],
        transactionData: [meterValue(connector, context.timestamp, 'Transaction.End', false)],
      },
    };
  },

  idleMeterValues(connector, at): OutboundMessage {
    return { action: 'MeterValues', payload: { connectorId: connector.id, meterValue: [meterValue(connector, at, 'Trigger', false)] } };
  },

  firmwareStatus(status): OutboundMessage {
    return { action: 'FirmwareStatusNotification', payload: { status } };
  },

  logStatus(status, requestId, diagnostics): OutboundMessage {
    if (diagnostics) return { action: 'DiagnosticsStatusNotification', payload: { status: status === 'UploadFailure' ? 'UploadFailed' : status } };
    return { action: 'LogStatusNotification', payload: { status, ...(requestId !== undefined ? { requestId } : {}) } };
  },
};
