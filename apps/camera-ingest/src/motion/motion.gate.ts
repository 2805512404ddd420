import sharp from 'sharp';

export interface MotionGateOptions {
  /** Mean absolute grey-level change (0-255) of the tiny copy that counts as motion. */
  threshold: number;
  /** A still scene still sends one frame this often, in ms. */
  heartbeatMs: number;
  /** Size of the tiny grey copy compared, in pixels. Default 64 × 48. */
  tinyWidth?: number;
  tinyHeight?: number;
}

/** Why a frame goes on (`motion`, `heartbeat`) or not (`still`). */
export type MotionVerdict = 'motion' | 'heartbeat' | 'still';

export interface MotionDecision {
  verdict: MotionVerdict;
  /** Mean absolute difference to the last sent frame, or null when none was sent yet. */
  meanDifference: number | null;
}

const DEFAULT_TINY_WIDTH = 64;
const DEFAULT_TINY_HEIGHT = 48;

/**
 * Sharp's defaults suit a server: a 50 MB operation cache and a thread per core. On the Pi
 * the cache only holds memory (every frame is new) and the cores belong to ffmpeg and
 * face recognition.
 */
export function configureSharpForEdge(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}

/**
 * Decides whether a camera frame is worth sending to face recognition, from a tiny grey
 * copy (JPEG shrink-on-load makes it cheap). The comparison is against the last frame
 * SENT, not the previous one: a person walking in slowly changes each frame a little but
 * the scene a lot, and comparing neighbours would never notice. A still scene sends only
 * a heartbeat frame every `heartbeatMs`.
 */
export class MotionGate {
  private readonly tinyWidth: number;
  private readonly tinyHeight: number;
  private lastSentTiny: Buffer | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: MotionGateOptions) {
    this.tinyWidth = options.tinyWidth ?? DEFAULT_TINY_WIDTH;
    this.tinyHeight = options.tinyHeight ?? DEFAULT_TINY_HEIGHT;
  }

  /**
   * Decides for one frame captured at `capturedAt` (epoch ms). Rejects when the JPEG
   * cannot be decoded.
   */
  async decide(jpeg: Buffer, capturedAt: number): Promise<MotionDecision> {
    const tiny = await this.tinyGrey(jpeg);
    const meanDifference = this.lastSentTiny
      ? meanAbsoluteDifference(tiny, this.lastSentTiny)
      : null;

    const verdict = this.verdictFor(meanDifference, capturedAt);
    if (verdict !== 'still') {
      this.lastSentTiny = tiny;
      this.lastSentAt = capturedAt;
    }
    return { verdict, meanDifference };
  }

  private verdictFor(meanDifference: number | null, capturedAt: number): MotionVerdict {
    if (meanDifference !== null && meanDifference > this.options.threshold) return 'motion';
    if (capturedAt - this.lastSentAt >= this.options.heartbeatMs) return 'heartbeat';
    return 'still';
  }

  private tinyGrey(jpeg: Buffer): Promise<Buffer> {
    return sharp(jpeg, { failOn: 'error', sequentialRead: true })
      .resize(this.tinyWidth, this.tinyHeight, { fit: 'fill' })
      .greyscale()
      .raw()
      .toBuffer();
  }
}

/** Mean of |a[i] - b[i]| over equally long grey images. */
export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(`cannot compare grey images of ${a.length} and ${b.length} bytes`);
  }
  let sum = 0;
  for (let index = 0; index < a.length; index++) {
    sum += Math.abs((a[index] as number) - (b[index] as number));
  }
  return sum / a.length;
}
