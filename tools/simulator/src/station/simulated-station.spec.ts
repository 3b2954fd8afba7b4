import { ManualClock } from '../clock/manual-clock';
import { handlersFor } from '../commands/command-handlers';
import { SimulatedStation } from './simulated-station';

const HOUR = 3_600_000;

/** A station whose network is down from the start: everything it does stays in its queue, no sockets. */
function offlineStation(protocol: '1.6' | '2.0.1', clock: ManualClock): SimulatedStation {
  const station = new SimulatedStation({
    id: `OFF-${protocol}`,
    protocol,
    url: 'ws://127.0.0.1:1/ocpp',
    clock,
    connectors: 2,
    meterIntervalMs: 60_000,
    initialRegisterWh: 10_000,
    ev: { capacityWh: 100_000, initialSoc: 0.1, maxPowerW: 11_000 },
  });
  station.cutNetwork();
  station.start().catch(() => undefined);
  return station;
}

describe('a simulated station on its own (manual clock, network down)', () => {
  it('1.6: charges offline under a 7.4 kW default profile, queues Start, MeterValues, Stop in order, and records 7,400 Wh', async () => {
    const clock = new ManualClock();
    const station = offlineStation('1.6', clock);
    await handlersFor(station)['SetChargingProfile']!({
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] },
      },
    });
    const session = await station.plugIn(1, 'TAG-1');
    expect(session).toBeDefined();
    clock.advance(HOUR);
    await station.unplug(1);

    const actions = station.queuedActions();
    expect(actions[0]).toBe('StartTransaction');
    expect(actions.at(-1)).toBe('StopTransaction');
    expect(actions.filter((a) => a === 'MeterValues')).toHaveLength(60);
    // Until StartTransaction is answered, the messages that need its transactionId cannot be built.
    expect(station.queuedMessages()[1]?.payload).toBeUndefined();

    await station.stop();
    const truth = station.groundTruth();
    expect(truth.sessions).toEqual([
      expect.objectContaining({ energyWh: 7_400, meterStartWh: 10_000, meterStopWh: 17_400, offline: true, delivered: false, stopReason: 'EVDisconnected', transactionId: null }),
    ]);
  });

  it('2.0.1: TransactionEvents are numbered from 0, marked offline, and end with the register the session started from plus what it drew', async () => {
    const clock = new ManualClock();
    const station = offlineStation('2.0.1', clock);
    await station.plugIn(2, 'TAG-2');
    clock.advance(10 * 60_000);
    await station.stopCharging(2);
    const events = station.queuedMessages().map((m) => m.payload as Record<string, unknown> & { meterValue: Array<{ sampledValue: Array<{ value: number; measurand: string }> }> });
    expect(events.map((e) => [e['eventType'], e['seqNo'], e['offline']])).toEqual([
      ['Started', 0, true],
      ...Array.from({ length: 10 }, (_, i) => ['Updated', i + 1, true]),
      ['Ended', 11, true],
    ]);
    const register = (e: (typeof events)[number]): number | undefined => e.meterValue[0]?.sampledValue.find((s) => s.measurand === 'Energy.Active.Import.Register')?.value;
    expect(register(events[0]!)).toBe(10_000);
    // 11 kW for 10 minutes.
    expect(register(events.at(-1)!)).toBe(10_000 + 1_833);
    expect(events.at(-1)!['triggerReason']).toBe('StopAuthorized');
    await station.stop();
  });

  it('stops waiting for its queue once stopped: statuses chained behind it do not outlive the station', async () => {
    const station = offlineStation('1.6', new ManualClock());
    await station.plugIn(1, 'TAG-STOP');
    expect(station.queuedActions().length).toBeGreaterThan(0);
    await station.stop();
    const began = Date.now();
    expect(await station.flush(60_000)).toBe(false);
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('tapers near full and reports SuspendedEV once the battery is full', async () => {
    const clock = new ManualClock();
    const station = offlineStation('2.0.1', clock);
    await station.plugIn(1, 'TAG', { capacityWh: 10_000, initialSoc: 0.7, maxPowerW: 11_000 });
    clock.advance(2 * HOUR);
    const states = station.queuedMessages().map((m) => (m.payload?.['transactionInfo'] as { chargingState?: string }).chargingState);
    expect(states).toContain('SuspendedEV');
    await station.unplug(1);
    await station.stop();
    expect(station.groundTruth().sessions[0]?.energyWh).toBe(3_000);
  });

  it('obeys a TxProfile installed mid-session from then on only', async () => {
    const clock = new ManualClock();
    const station = offlineStation('2.0.1', clock);
    const session = await station.plugIn(1, 'TAG');
    clock.advance(HOUR / 2);
    const answer = await handlersFor(station)['SetChargingProfile']!({
      evseId: 1,
      chargingProfile: {
        id: 9,
        stackLevel: 1,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        transactionId: session!.localId,
        chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 2000 }] }],
      },
    });
    expect(answer.response).toEqual({ status: 'Accepted' });
    clock.advance(HOUR / 2);
    await station.unplug(1);
    await station.stop();
    expect(station.groundTruth().sessions[0]?.energyWh).toBe(5_500 + 1_000);
  });
});
