export interface RecordLocalListVersionCommand {
  readonly stationId: string;
  /** 1.6 listVersion / 2.0.1 versionNumber the station confirmed (SendLocalList Accepted, GetLocalListVersion). */
  readonly version: number;
}
