import { LatencyHistogram } from './latency-histogram';

/** A frame that failed schema validation, and on which side the fault lies. */
export interface ProtocolViolation {
  readonly stationId: string;
  /** 'simulator': we built it (a bug here); 'csms': the CSMS sent it. */
  readonly culprit: 'simulator' | 'csms';
  readonly action: string;
  readonly direction: 'request' | 'response';
  readonly description: string;
}

/** Counters one station (or a whole fleet, added up) keeps. */
export class StationStats {
  callsSent = 0;
  callResults = 0;
  /** CALLERRORs the CSMS answered our CALLs with. */
  callErrors = 0;
  /** CALLERRORs by "Action:ErrorCode", to tell a CSMS's timeouts from its refusals. */
  readonly errorCodes: Record<string, number> = {};
  callTimeouts = 0;
  callsReceived = 0;
  framesSent = 0;
  framesReceived = 0;
  readonly latency = new LatencyHistogram();
  readonly violations: ProtocolViolation[] = [];
}
