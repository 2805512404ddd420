export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between attempts in milliseconds. Default 50. */
  intervalMs?: number;
  /** What is awaited, for the error message: "redis to answer PING". */
  what: string;
}

/**
 * Calls `fn` until it returns a truthy value and resolves with that value. A throwing
 * attempt counts as not yet; the last error is named if the wait times out.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<NonNullable<T>> {
  const { timeoutMs, intervalMs = 50, what } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;

  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error: unknown) {
      lastError = error;
    }

    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`, {
        cause: lastError,
      });
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
