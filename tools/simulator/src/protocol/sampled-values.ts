import { registerWh, type Connector } from '../station/connector.model';

export type SampleContext = 'Transaction.Begin' | 'Sample.Periodic' | 'Transaction.End' | 'Trigger';

export interface Sample {
  readonly measurand: 'Energy.Active.Import.Register' | 'Power.Active.Import' | 'SoC';
  readonly value: number;
  readonly unit: 'Wh' | 'W' | 'Percent';
  readonly location: 'Outlet' | 'EV';
}

/** What a meter reads on a connector: the energy register, and power and SoC while an EV is there. */
export function samplesOf(connector: Connector, withEv: boolean): Sample[] {
  const samples: Sample[] = [{ measurand: 'Energy.Active.Import.Register', value: registerWh(connector), unit: 'Wh', location: 'Outlet' }];
  if (withEv && connector.ev) {
    samples.push({ measurand: 'Power.Active.Import', value: connector.powerW, unit: 'W', location: 'Outlet' });
    const soc = connector.ev.capacityMwh > 0 ? Math.floor((connector.ev.socMwh * 100) / connector.ev.capacityMwh) : 0;
    samples.push({ measurand: 'SoC', value: soc, unit: 'Percent', location: 'EV' });
  }
  return samples;
}
