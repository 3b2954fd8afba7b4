/**
 * The OCPP 1.6 frames the benchmarks send, built once and checked against the OCA schemas, and
 * the pre-serialised CALLRESULT the raw uWS echo answers with.
 */
import { getValidator } from '@evcsms/ocpp';

export type BenchFrame = 'heartbeat' | 'metervalues';

export const BENCH_FRAMES: readonly BenchFrame[] = ['heartbeat', 'metervalues'];

export const FRAME_LABEL: Record<BenchFrame, string> = { heartbeat: 'Heartbeat', metervalues: 'MeterValues (10 sampled values)' };

const PERIODIC = { context: 'Sample.Periodic', format: 'Raw' } as const;

/** A realistic three-phase AC sample: energy register, power, 3 currents, 3 voltages, SoC, temperature. */
export function meterValuesPayload(timestamp = '2026-11-22T10:15:00.000Z'): Record<string, unknown> {
  return {
    connectorId: 1,
    transactionId: 184467,
    meterValue: [
      {
        timestamp,
        sampledValue: [
          { value: '15234.7', ...PERIODIC, measurand: 'Energy.Active.Import.Register', location: 'Outlet', unit: 'Wh' },
          { value: '10987.2', ...PERIODIC, measurand: 'Power.Active.Import', location: 'Outlet', unit: 'W' },
          { value: '15.9', ...PERIODIC, measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
          { value: '16.0', ...PERIODIC, measurand: 'Current.Import', phase: 'L2', location: 'Outlet', unit: 'A' },
          { value: '15.8', ...PERIODIC, measurand: 'Current.Import', phase: 'L3', location: 'Outlet', unit: 'A' },
          { value: '229.8', ...PERIODIC, measurand: 'Voltage', phase: 'L1-N', location: 'Outlet', unit: 'V' },
          { value: '230.4', ...PERIODIC, measurand: 'Voltage', phase: 'L2-N', location: 'Outlet', unit: 'V' },
          { value: '231.1', ...PERIODIC, measurand: 'Voltage', phase: 'L3-N', location: 'Outlet', unit: 'V' },
          { value: '64', ...PERIODIC, measurand: 'SoC', location: 'EV', unit: 'Percent' },
          { value: '31.5', ...PERIODIC, measurand: 'Temperature', location: 'Body', unit: 'Celsius' },
        ],
      },
    ],
  };
}

export const FRAME_ACTION: Record<BenchFrame, string> = { heartbeat: 'Heartbeat', metervalues: 'MeterValues' };

/**
 * Returns a function building the CALL text for a message id. The payload is serialised once; the
 * schema check runs here, so a benchmark never measures CALLERRORs by mistake.
 */
export function callBuilder(frame: BenchFrame): (messageId: string) => string {
  const action = FRAME_ACTION[frame];
  const payload = frame === 'heartbeat' ? {} : meterValuesPayload();
  const validation = getValidator('ocpp1.6').validateRequest(action, payload);
  if (!validation.ok) throw new Error(`benchmark ${action} frame does not validate: ${validation.description}`);
  const tail = `","${action}",${JSON.stringify(payload)}]`;
  return (messageId) => `[2,"${messageId}${tail}`;
}

/** Checks a reply payload against the 1.6 response schema (the load client samples replies). */
export function validReply(frame: BenchFrame, payload: unknown): boolean {
  return getValidator('ocpp1.6').validateResponse(FRAME_ACTION[frame], payload).ok;
}
