import { describe, expect, it } from 'vitest';

import { OverspeedDetector } from './overspeed.detector';

/**
 * Feeds frames at `fps` on a fake clock from `startMs`
 * for `durationMs`; returns when it first fired.
 */
function feed(
  detector: OverspeedDetector,
  fps: number,
  startMs: number,
  durationMs: number,
): number | null {
  const stepMs = 1_000 / fps;
  for (let at = startMs; at < startMs + durationMs; at += stepMs) {
    if (detector.frameSeen(Math.round(at))) return Math.round(at) - startMs;
  }
  return null;
}

function detector() {
  return new OverspeedDetector({ detectFps: 5, factor: 2, windowMs: 10_000 });
}

describe('OverspeedDetector (fake clock)', () => {
  it('never fires at the configured rate or just under the limit', () => {
    expect(feed(detector(), 5, 0, 120_000)).toBeNull();
    expect(feed(detector(), 9.5, 0, 120_000)).toBeNull();
  });

  it('fires once a rate above factor × detectFps has held for the window', () => {
    const firedAfterMs = feed(detector(), 25, 0, 60_000);

    expect(firedAfterMs).not.toBeNull();
    expect(firedAfterMs).toBeGreaterThanOrEqual(10_000);
    expect(firedAfterMs).toBeLessThanOrEqual(11_000);
  });

  it('does not fire for a short burst, such as a catch-up after a hiccup', () => {
    const overspeed = detector();
    expect(feed(overspeed, 5, 0, 20_000)).toBeNull();
    expect(feed(overspeed, 60, 20_000, 3_000)).toBeNull();
    expect(feed(overspeed, 5, 23_000, 30_000)).toBeNull();
  });

  it('starts the window again when the rate drops in between', () => {
    const overspeed = detector();
    expect(feed(overspeed, 25, 0, 8_000)).toBeNull();
    expect(feed(overspeed, 5, 8_000, 2_000)).toBeNull();
    const firedAfterMs = feed(overspeed, 25, 10_000, 30_000);

    expect(firedAfterMs).toBeGreaterThanOrEqual(10_000);
  });

  it('forgets everything on reset (a new ffmpeg run)', () => {
    const overspeed = detector();
    expect(feed(overspeed, 25, 0, 9_500)).toBeNull();
    overspeed.reset();

    expect(feed(overspeed, 25, 9_500, 5_000)).toBeNull();
  });

  it('uses longer buckets for slow detect rates', () => {
    const slow = new OverspeedDetector({ detectFps: 0.2, factor: 2, windowMs: 60_000 });

    expect(feed(slow, 0.3, 0, 600_000)).toBeNull();
    expect(
      feed(new OverspeedDetector({ detectFps: 0.2, factor: 2, windowMs: 60_000 }), 2, 0, 600_000),
    ).not.toBeNull();
  });
});
