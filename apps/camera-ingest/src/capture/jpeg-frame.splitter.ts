/** What the splitter hands on: whole JPEGs, and the size of each one it had to throw away. */
export interface JpegFrameSink {
  onFrame(jpeg: Buffer): void;
  /** A frame grew past `maxFrameBytes`; its bytes were not kept. */
  onOversize(sizeBytes: number): void;
}

export interface JpegFrameSplitterOptions {
  /** Largest frame kept, in bytes; a bigger one is discarded while it streams past. */
  maxFrameBytes: number;
}

type ParseState =
  | 'seek-soi'
  | 'seek-soi-after-ff'
  | 'marker-prefix'
  | 'marker-code'
  | 'length-high'
  | 'length-low'
  | 'skip-segment'
  | 'entropy'
  | 'entropy-after-ff';

const MARKER_PREFIX = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;
const STUFFED_ZERO = 0x00;

/** Restart markers (RST0-7) and TEM stand alone: no length field follows them. */
function isStandaloneMarker(code: number): boolean {
  return code === TEM || (code >= 0xd0 && code <= 0xd7);
}

/**
 * Frames ffmpeg's `image2pipe` MJPEG stream into whole JPEGs.
 *
 * It follows the JPEG segment structure instead of looking for the first FFD9: header
 * segments (EXIF thumbnails, comments) may hold any bytes, FFD9 included, while inside
 * entropy-coded data every 0xFF is followed by 0x00 or a restart marker, so a real marker
 * there can only be EOI or a segment of a progressive JPEG. Chunks may split a marker,
 * a length field or a segment anywhere. Bytes outside a frame are ignored; a frame that
 * breaks the structure is abandoned and the parser resynchronises on the next SOI.
 */
export class JpegFrameSplitter {
  private state: ParseState = 'seek-soi';
  private parts: Buffer[] = [];
  private frameBytes = 0;
  private discarding = false;
  private marker = 0;
  private segmentLengthHigh = 0;
  private segmentRemaining = 0;
  /** Where the current frame's bytes start in the chunk being parsed. */
  private frameStartInChunk = 0;

  constructor(
    private readonly options: JpegFrameSplitterOptions,
    private readonly sink: JpegFrameSink,
  ) {}

  /** Frames started but not finished, in bytes held (0 while discarding). */
  get bufferedBytes(): number {
    return this.discarding ? 0 : this.parts.reduce((sum, part) => sum + part.length, 0);
  }

  push(chunk: Buffer): void {
    this.frameStartInChunk = 0;
    let index = 0;
    while (index < chunk.length) {
      index = this.step(chunk, index);
    }
    if (this.inFrame()) {
      this.keep(chunk.subarray(this.frameStartInChunk));
    }
  }

  /** Drops a frame in progress, e.g. when ffmpeg exits in the middle of one. */
  reset(): void {
    this.abandonFrame();
  }

  /** Parses from `index` and returns where parsing continues. */
  private step(chunk: Buffer, index: number): number {
    const byte = chunk[index] as number;
    switch (this.state) {
      case 'seek-soi': {
        const next = chunk.indexOf(MARKER_PREFIX, index);
        if (next < 0) return chunk.length;
        this.state = 'seek-soi-after-ff';
        return next + 1;
      }
      case 'seek-soi-after-ff':
        if (byte === SOI) {
          this.startFrame(index);
          this.state = 'marker-prefix';
        } else if (byte !== MARKER_PREFIX) {
          this.state = 'seek-soi';
        }
        return index + 1;
      case 'marker-prefix':
        if (byte !== MARKER_PREFIX) {
          this.abandonFrame();
          return index;
        }
        this.state = 'marker-code';
        return index + 1;
      case 'marker-code':
        return this.onMarkerCode(chunk, index, byte);
      case 'length-high':
        this.segmentLengthHigh = byte;
        this.state = 'length-low';
        return index + 1;
      case 'length-low':
        return this.onSegmentLength(index, (this.segmentLengthHigh << 8) | byte);
      case 'skip-segment': {
        const skipped = Math.min(this.segmentRemaining, chunk.length - index);
        this.segmentRemaining -= skipped;
        if (this.segmentRemaining === 0) this.endSegment();
        return index + skipped;
      }
      case 'entropy': {
        const next = chunk.indexOf(MARKER_PREFIX, index);
        if (next < 0) return chunk.length;
        this.state = 'entropy-after-ff';
        return next + 1;
      }
      case 'entropy-after-ff':
        if (byte === STUFFED_ZERO || isStandaloneMarker(byte)) {
          this.state = 'entropy';
          return index + 1;
        }
        if (byte === MARKER_PREFIX) return index + 1;
        return this.onMarkerCode(chunk, index, byte);
    }
  }

  private onMarkerCode(chunk: Buffer, index: number, code: number): number {
    if (code === MARKER_PREFIX) return index + 1;
    if (code === EOI) {
      this.finishFrame(chunk, index + 1);
      return index + 1;
    }
    if (code === SOI) {
      // A new image before this one ended: this one is broken, the new one may not be.
      this.abandonFrame();
      this.state = 'seek-soi-after-ff';
      return index;
    }
    if (code === STUFFED_ZERO) {
      this.abandonFrame();
      return index + 1;
    }
    if (isStandaloneMarker(code)) {
      this.state = 'marker-prefix';
      return index + 1;
    }
    this.marker = code;
    this.state = 'length-high';
    return index + 1;
  }

  private onSegmentLength(index: number, length: number): number {
    if (length < 2) {
      this.abandonFrame();
      return index + 1;
    }
    this.segmentRemaining = length - 2;
    if (this.segmentRemaining === 0) {
      this.endSegment();
    } else {
      this.state = 'skip-segment';
    }
    return index + 1;
  }

  private endSegment(): void {
    this.state = this.marker === SOS ? 'entropy' : 'marker-prefix';
  }

  private startFrame(soiIndex: number): void {
    this.parts = [];
    this.frameBytes = 0;
    this.discarding = false;
    if (soiIndex === 0) {
      // The 0xFF of the SOI ended the previous chunk.
      this.keep(Buffer.from([MARKER_PREFIX]));
      this.frameStartInChunk = 0;
    } else {
      this.frameStartInChunk = soiIndex - 1;
    }
  }

  private finishFrame(chunk: Buffer, endInChunk: number): void {
    this.keep(chunk.subarray(this.frameStartInChunk, endInChunk));
    const size = this.frameBytes;
    const frame = this.discarding ? undefined : Buffer.concat(this.parts, size);
    this.clearFrame();

    if (frame) {
      this.sink.onFrame(frame);
    } else {
      this.sink.onOversize(size);
    }
  }

  /** Keeps a piece of the current frame, or only counts it once the frame is too big. */
  private keep(piece: Buffer): void {
    this.frameBytes += piece.length;
    if (this.discarding) return;

    if (this.frameBytes > this.options.maxFrameBytes) {
      this.discarding = true;
      this.parts = [];
      return;
    }
    // Pieces still point into ffmpeg's pipe chunks; the concat at EOI copies them out, so
    // a finished frame pins no chunk.
    this.parts.push(piece);
  }

  private abandonFrame(): void {
    this.clearFrame();
  }

  private clearFrame(): void {
    this.parts = [];
    this.frameBytes = 0;
    this.discarding = false;
    this.state = 'seek-soi';
  }

  private inFrame(): boolean {
    return this.state !== 'seek-soi' && this.state !== 'seek-soi-after-ff';
  }
}
