export interface OverspeedOptions {
  /** The frame rate ffmpeg was asked for, frames per second. */
  detectFps: number;
  /** Rates above `detectFps` times this count as too fast. */
  factor: number;
  /** A too-fast rate must hold this long to count, in ms. */
  windowMs: number;
}

/** Bucket length: a second, longer for slow rates so one bucket can hold a few frames. */
const MIN_BUCKET_MS = 1_000;
const FRAMES_PER_BUCKET_AT_LIMIT = 3;

/**
 * Detects an ffmpeg that emits frames far faster than asked (broken camera timestamps make
 * the fps filter duplicate frames) and keeps doing so. Frames are counted in fixed buckets;
 * the rate is "held" when every bucket of the last `windowMs` was over the limit, so a
 * short catch-up burst after a network hiccup does not restart a healthy camera. Memory is
 * constant whatever the rate.
 */
export class OverspeedDetector {
  private readonly bucketMs: number;
  private readonly maxFramesPerBucket: number;
  private bucketStartedAt: number | undefined;
  private framesInBucket = 0;
  /** Start of the first bucket of the current run of over-limit buckets. */
  private overSince: number | undefined;

  constructor(private readonly options: OverspeedOptions) {
    const limitFps = options.detectFps * options.factor;
    this.bucketMs = Math.min(
      options.windowMs,
      Math.max(MIN_BUCKET_MS, Math.ceil((FRAMES_PER_BUCKET_AT_LIMIT * 1_000) / limitFps)),
    );
    this.maxFramesPerBucket = (limitFps * this.bucketMs) / 1_000;
  }

  /** Forgets everything, e.g. when a new ffmpeg run starts. */
  reset(): void {
    this.bucketStartedAt = undefined;
    this.framesInBucket = 0;
    this.overSince = undefined;
  }

  /** Counts a frame; true when the rate has been over the limit for the whole window. */
  frameSeen(now: number): boolean {
    this.closeFinishedBuckets(now);
    this.framesInBucket += 1;
    return this.isHeld();
  }

  private closeFinishedBuckets(now: number): void {
    if (this.bucketStartedAt === undefined) {
      this.bucketStartedAt = now;
      return;
    }
    if (now - this.bucketStartedAt >= this.options.windowMs + this.bucketMs) {
      // A gap longer than the window: nothing before it can still count.
      this.reset();
      this.bucketStartedAt = now;
      return;
    }
    while (now >= this.bucketStartedAt + this.bucketMs) {
      if (this.framesInBucket > this.maxFramesPerBucket) {
        this.overSince ??= this.bucketStartedAt;
      } else {
        this.overSince = undefined;
      }
      this.bucketStartedAt += this.bucketMs;
      this.framesInBucket = 0;
    }
  }

  private isHeld(): boolean {
    if (this.overSince === undefined || this.bucketStartedAt === undefined) return false;
    return this.bucketStartedAt - this.overSince >= this.options.windowMs;
  }
}
