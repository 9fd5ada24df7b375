/**
 * The one source of time in every Node process. Production code reads time only through a Clock,
 * so tests move it forward (TOTP steps, session expiry, request skew) instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
};

/** Whole Unix seconds, the unit of frame and request timestamps. */
export function nowSec(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}

/** A clock that does not move until a test advances it. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.#ms = startMs;
  }

  nowMs(): number {
    return this.#ms;
  }

  advanceMs(ms: number): void {
    this.#ms += ms;
  }

  advanceSec(sec: number): void {
    this.#ms += sec * 1000;
  }

  setMs(ms: number): void {
    this.#ms = ms;
  }
}
