/**
 * Simulated time. Everything a station does on a schedule (heartbeats, meter values, backoff,
 * firmware steps) and every energy computation goes through a Clock, so a test can run an hour of
 * charging in a minute: timers fire `speed` times sooner and `now()` advances `speed` times faster.
 */
export interface Clock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Runs `callback` after `delayMs` of simulated time. */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
  clearTimer(timer: ClockTimer | undefined): void;
  /** Real milliseconds per simulated millisecond, inverted (1 = real time). */
  readonly speed: number;
}

export interface ClockTimer {
  readonly handle: NodeJS.Timeout;
}

/** Real time: the clock a CLI run against a real CSMS uses. */
export class SystemClock implements Clock {
  readonly speed = 1;

  now(): number {
    return Date.now();
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    // A simulator's timers never keep a process alive on their own: stop() is the way out.
    handle.unref();
    return { handle };
  }

  clearTimer(timer: ClockTimer | undefined): void {
    if (timer) clearTimeout(timer.handle);
  }
}

/**
 * Time that runs `speed` times faster than the wall clock, starting at the wall clock's now.
 * Timestamps sent to the CSMS drift ahead of real time by (speed - 1) x elapsed.
 */
export class AcceleratedClock implements Clock {
  private readonly realStart = Date.now();
  private readonly simulatedStart: number;

  constructor(
    readonly speed: number,
    startAt: number = Date.now(),
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`);
    this.simulatedStart = startAt;
  }

  now(): number {
    return this.simulatedStart + Math.round((Date.now() - this.realStart) * this.speed);
  }

  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs / this.speed));
    handle.unref();
    return { handle };
  }

  clearTimer(timer: ClockTimer | undefined): void {
    if (timer) clearTimeout(timer.handle);
  }
}

export function isoTime(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
