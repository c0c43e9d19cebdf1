/** Time is injected everywhere so tests can say "Friday 20 March 2026, 09:00 Asia/Almaty". */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** A settable clock for tests and the demo. */
export function fixedClock(
  start: Date | string,
): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let now = new Date(start);
  const clock = (() => new Date(now)) as Clock & { set(d: Date | string): void; advance(ms: number): void };
  clock.set = (d) => {
    now = new Date(d);
  };
  clock.advance = (ms) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}
