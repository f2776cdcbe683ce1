/**
 * The clock reminders are planned with. Production uses the system clock; tests and benchmarks
 * use a controllable one (a chosen start, optionally running faster than real time) so a week of
 * reminders takes seconds. BullMQ delays are real milliseconds: `msUntil` converts.
 */
export interface ReminderClock {
  now(): Date;
  /** Real milliseconds from now until the clock shows `at` (0 when it already has). */
  msUntil(at: Date): number;
}

export const systemClock: ReminderClock = {
  now: () => new Date(),
  msUntil: (at) => Math.max(0, at.getTime() - Date.now()),
};

export interface ControllableClock extends ReminderClock {
  /** From now on the clock shows `at`, advancing `scale` clock milliseconds per real one. */
  set(at: Date, scale?: number): void;
}

export function controllableClock(start: Date = new Date(), scale = 1): ControllableClock {
  let base = start.getTime();
  let realBase = Date.now();
  let speed = scale;
  const now = () => base + (Date.now() - realBase) * speed;
  return {
    now: () => new Date(now()),
    msUntil: (at) => Math.max(0, Math.ceil((at.getTime() - now()) / speed)),
    set(at, newScale = speed) {
      base = at.getTime();
      realBase = Date.now();
      speed = newScale;
    },
  };
}
