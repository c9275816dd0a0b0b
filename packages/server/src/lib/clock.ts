/** Source of time, passed in so tests control it. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const toSeconds = (ms: number): number => Math.floor(ms / 1000);
