export interface RestartBackoffOptions {
  /** First restart delay, in ms. */
  initialMs: number;
  /** Largest restart delay, in ms. */
  maxMs: number;
  /** Frames flowing for this long in one run reset the delay to `initialMs`, in ms. */
  resetAfterMs: number;
}

/**
 * Capped exponential backoff for restarting a camera's ffmpeg. It never gives up: past
 * `maxMs` every restart waits `maxMs`. A run that delivered frames for `resetAfterMs`
 * counts as healthy and the next failure starts again from `initialMs`.
 */
export class RestartBackoffPolicy {
  private failuresInARow = 0;
  private firstFrameOfRunAt: number | undefined;

  constructor(private readonly options: RestartBackoffOptions) {}

  /** A new ffmpeg run starts; its healthy time is measured from its first frame. */
  runStarted(): void {
    this.firstFrameOfRunAt = undefined;
  }

  frameSeen(now: number): void {
    this.firstFrameOfRunAt ??= now;
    if (now - this.firstFrameOfRunAt >= this.options.resetAfterMs) {
      this.failuresInARow = 0;
    }
  }

  /**
   * The delay before the next start, in ms; each
   * call without a healthy run in between doubles it.
   */
  nextDelayMs(): number {
    const { initialMs, maxMs } = this.options;
    // The exponent stops growing once the cap is reached,
    // so it cannot overflow in weeks of failures.
    const delayMs = Math.min(initialMs * 2 ** this.failuresInARow, maxMs);
    if (delayMs < maxMs) this.failuresInARow += 1;
    return delayMs;
  }
}
