import type { FleetStats } from '../fleet/fleet';
import type { SessionRecord } from '../ground-truth/ground-truth.log';
import type { SimulateArgs } from './cli-args';

/** CLI process -> worker. */
export type ToWorker = { type: 'start'; args: SimulateArgs; start: number; end: number } | { type: 'stop' };

/** Worker -> CLI process. */
export type FromWorker =
  | { type: 'stats'; stats: FleetStats }
  | { type: 'session'; record: SessionRecord }
  | { type: 'stopped'; stats: FleetStats }
  | { type: 'failed'; message: string };
