/**
 * Lets one line through per key and interval and counts the rest, so a camera that fails
 * every second does not flood the log; the next line says how many were suppressed.
 */
export class LogRateLimiter {
  private readonly lastAt = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Returns the count suppressed since the last line, or null when this line is to be suppressed.
   */
  take(key: string): number | null {
    const now = this.now();
    const entry = this.lastAt.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return null;
    }

    if (!entry && this.lastAt.size >= this.maxKeys) {
      const oldestKey = this.lastAt.keys().next().value;
      if (oldestKey !== undefined) this.lastAt.delete(oldestKey);
    }
    const suppressed = entry?.suppressed ?? 0;
    this.lastAt.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }
}
