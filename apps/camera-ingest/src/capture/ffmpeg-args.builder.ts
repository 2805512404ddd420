/** The RTSP input of a camera's ffmpeg. */
export interface RtspInput {
  /** May carry credentials: the arguments are never logged without redaction. */
  url: string;
  /** Socket I/O timeout, in ms; ffmpeg exits when the camera is silent this long. */
  timeoutMs: number;
}

/** Sampled detect frames as MJPEG on standard output. */
export interface DetectFramesOutput {
  kind: 'detect-frames';
  fps: number;
  /** Width in pixels; the height follows the aspect ratio (rounded to even). */
  width: number;
  /** MJPEG quality, 2 (best) to 31. */
  jpegQuality: number;
}

/**
 * Every output one ffmpeg writes. One process per camera carries all of them (a later
 * output adds pre-record segments), so each kind is a member of this union.
 */
export type FfmpegOutput = DetectFramesOutput;

/** The argument list of a camera's ffmpeg, without the binary. */
export function buildFfmpegArgs(input: RtspInput, outputs: readonly FfmpegOutput[]): string[] {
  if (outputs.length === 0) {
    throw new Error('buildFfmpegArgs: ffmpeg needs at least one output');
  }
  return [...globalArgs(), ...inputArgs(input), ...outputs.flatMap(outputArgs)];
}

function globalArgs(): string[] {
  return ['-hide_banner', '-loglevel', 'warning', '-nostdin'];
}

function inputArgs(input: RtspInput): string[] {
  // Since ffmpeg 5 the RTSP socket timeout is `-timeout`, in microseconds.
  const timeoutMicros = String(Math.round(input.timeoutMs * 1_000));
  return ['-rtsp_transport', 'tcp', '-timeout', timeoutMicros, '-i', input.url];
}

function outputArgs(output: FfmpegOutput): string[] {
  switch (output.kind) {
    case 'detect-frames':
      return [
        '-an',
        '-vf',
        `fps=${output.fps},scale=${output.width}:-2`,
        '-f',
        'image2pipe',
        '-c:v',
        'mjpeg',
        '-q:v',
        String(output.jpegQuality),
        'pipe:1',
      ];
  }
}
