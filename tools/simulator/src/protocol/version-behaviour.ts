import type { Connector, Session, SessionTrigger, StopReason } from '../station/connector.model';

export interface OutboundMessage {
  readonly action: string;
  readonly payload: Record<string, unknown>;
}

/** Why a meter sample or status change is reported mid-session. */
export type SampleTrigger = 'MeterValuePeriodic' | 'Trigger' | 'ChargingStateChanged' | 'ChargingRateChanged';

/** Why a session ended, as the 2.0.1 triggerReason puts it (1.6 only has the stop reason). */
export type EndTrigger = 'EVDeparted' | 'StopAuthorized' | 'RemoteStop' | 'ResetCommand' | 'UnlockCommand' | 'Deauthorized' | 'AbnormalCondition';

export type BootReason = 'PowerUp' | 'RemoteReset' | 'FirmwareUpdate' | 'Triggered' | 'ScheduledReset' | 'Unknown';

/** What the station knows when it builds a message. */
export interface MessageContext {
  readonly timestamp: string;
  /** The station is offline: 2.0.1 TransactionEvents carry offline=true. */
  readonly offline: boolean;
}

export interface StationIdentity {
  readonly vendor: string;
  readonly model: string;
  readonly serialNumber: string;
  firmwareVersion: string;
}

/**
 * Everything that differs between 1.6 and 2.0.1 in the messages a station sends. The station's
 * behaviour (sessions, energy, queueing) is one; the words it uses are these.
 */
export interface VersionBehaviour {
  readonly version: '1.6' | '2.0.1';
  bootNotification(identity: StationIdentity, reason: BootReason): OutboundMessage;
  /** Status of one connector (connector 0: 1.6 only, the station as a whole). */
  statusNotification(connector: Connector | { id: 0; status: 'Available' | 'Unavailable' }, at: string): OutboundMessage | undefined;
  authorize(idTag: string, idTokenType: string): OutboundMessage;
  /** The token status in an Authorize / StartTransaction / TransactionEvent answer. */
  tokenStatus(response: Record<string, unknown>): string | undefined;
  transactionStarted(session: Session, connector: Connector, trigger: SessionTrigger, context: MessageContext): OutboundMessage;
  /** 1.6: MeterValues; 2.0.1: TransactionEvent Updated. The 1.6 transactionId is filled in at send time. */
  transactionSample(session: Session, connector: Connector, trigger: SampleTrigger, context: MessageContext): OutboundMessage;
  transactionEnded(session: Session, connector: Connector, reason: StopReason, trigger: EndTrigger, context: MessageContext): OutboundMessage;
  /** Meter values of a connector without a session (TriggerMessage). */
  idleMeterValues(connector: Connector, at: string): OutboundMessage;
  firmwareStatus(status: string, requestId: number | undefined): OutboundMessage;
  logStatus(status: 'Idle' | 'Uploading' | 'Uploaded' | 'UploadFailure', requestId: number | undefined, diagnostics: boolean): OutboundMessage;
}
