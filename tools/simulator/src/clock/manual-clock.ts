import type { Clock, ClockTimer } from './clock';

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * Time that moves only when a test says so: `advance(ms)` fires every timer that falls due, in
 * order. For unit tests of the station's behaviour without sockets or waiting.
 */
export class ManualClock implements Clock {
  readonly speed = 1;
  private current: number;
  private seq = 0;
  private readonly scheduled = new Map<NodeJS.Timeout | number, Scheduled>();

  constructor(startAt = Date.UTC(2026, 0, 1, 8, 0, 0)) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const id = ++this.seq;
    this.scheduled.set(id, { at: this.current + Math.max(0, delayMs), seq: id, callback });
    return { handle: id as unknown as NodeJS.Timeout };
  }

  clearTimer(timer: ClockTimer | undefined): void {
    if (timer) this.scheduled.delete(timer.handle);
  }

  /** Moves time forward, firing due timers (including ones they schedule) in time order. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      let next: [NodeJS.Timeout | number, Scheduled] | undefined;
      for (const entry of this.scheduled) if (entry[1].at <= until && (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq))) next = entry;
      if (!next) break;
      this.scheduled.delete(next[0]);
      this.current = next[1].at;
      next[1].callback();
    }
    this.current = until;
  }

  get pendingTimers(): number {
    return this.scheduled.size;
  }
}
