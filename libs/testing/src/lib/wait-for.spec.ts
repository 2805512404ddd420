import { describe, expect, it } from 'vitest';

import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : undefined), {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'three calls',
    });

    expect(value).toBe('done after 3');
  });

  it('names what it waited for and the last error on timeout', async () => {
    const attempt = waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 100, intervalMs: 10, what: 'the server to answer' },
    );

    await expect(attempt).rejects.toThrow(
      /timed out after 100 ms waiting for the server to answer; last error: connection refused/,
    );
  });
});
