import { describe, expect, it } from 'vitest';
import { createForeground } from '../src/foreground.js';

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  // Two turns of the event loop: enough for anything already due to run.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('foreground', () => {
  it('lets background work start at once when nothing is in flight', async () => {
    expect(await settled(createForeground().quiet())).toBe(true);
  });

  it('holds background work until the last request in flight has ended', async () => {
    const foreground = createForeground(60_000);
    foreground.enter();
    foreground.enter();
    const waiting = foreground.quiet();
    expect(await settled(waiting)).toBe(false);
    foreground.leave();
    expect(await settled(waiting)).toBe(false);
    foreground.leave();
    expect(await settled(waiting)).toBe(true);
    expect(foreground.inFlight).toBe(0);
  });

  it('never holds it longer than the bound, so a busy process still does its background work', async () => {
    const foreground = createForeground();
    foreground.enter();
    const started = performance.now();
    await foreground.quiet(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(foreground.inFlight).toBe(1);
  });
});
