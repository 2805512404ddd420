import { describe, expect, it } from 'vitest';

import { RestartBackoffPolicy } from './restart-backoff.policy';

function policy() {
  return new RestartBackoffPolicy({ initialMs: 50, maxMs: 800, resetAfterMs: 1_500 });
}

describe('RestartBackoffPolicy', () => {
  it('doubles from the initial delay up to the cap and stays there, never giving up', () => {
    const backoff = policy();
    const delays = Array.from({ length: 10 }, () => {
      backoff.runStarted();
      return backoff.nextDelayMs();
    });

    expect(delays).toEqual([50, 100, 200, 400, 800, 800, 800, 800, 800, 800]);
  });

  it('keeps doubling when runs deliver frames for less than the reset time', () => {
    const backoff = policy();
    backoff.nextDelayMs();
    backoff.runStarted();
    backoff.frameSeen(10_000);
    backoff.frameSeen(11_499);

    expect(backoff.nextDelayMs()).toBe(100);
  });

  it(
    'starts again from the initial delay ' + 'after a run with frames flowing for the reset time',
    () => {
      const backoff = policy();
      for (let failure = 0; failure < 6; failure++) backoff.nextDelayMs();
      backoff.runStarted();
      backoff.frameSeen(10_000);
      backoff.frameSeen(11_500);

      expect([backoff.nextDelayMs(), backoff.nextDelayMs()]).toEqual([50, 100]);
    },
  );

  it('measures healthy time within one run only', () => {
    const backoff = policy();
    backoff.nextDelayMs();
    backoff.runStarted();
    backoff.frameSeen(10_000);
    backoff.nextDelayMs();
    backoff.runStarted();
    backoff.frameSeen(11_600);

    expect(backoff.nextDelayMs()).toBe(200);
  });

  it('does not overflow after a very long outage', () => {
    const backoff = new RestartBackoffPolicy({
      initialMs: 1_000,
      maxMs: 30_000,
      resetAfterMs: 60_000,
    });
    let last = 0;
    for (let failure = 0; failure < 100_000; failure++) last = backoff.nextDelayMs();

    expect(last).toBe(30_000);
  });
});
