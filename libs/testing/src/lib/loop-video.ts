import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where looped videos are cached between test runs. */
export const SIMULATOR_CACHE_DIR = join(tmpdir(), 'edgewatch-sim');

/** Default length of a looped video when no loop count is given, in seconds. */
export const DEFAULT_LOOPED_SECONDS = 600;

export interface LoopVideoOptions {
  /** How many times the clip is played in a row. Default: enough for 10 minutes. */
  loopCount?: number;
}

/**
 * Makes (or reuses from the cache) a Matroska file that plays `clip` `loopCount` times
 * in a row, H.264 copied without re-encoding, video only. Matroska and MP4 both keep
 * timestamps continuous across the joins with `-stream_loop` and `-c copy`.
 */
export async function makeLoopVideo(clip: string, options: LoopVideoOptions = {}): Promise<string> {
  const loopCount = options.loopCount ?? (await loopsForSeconds(clip, DEFAULT_LOOPED_SECONDS));
  if (!Number.isInteger(loopCount) || loopCount < 1) {
    throw new Error(`loopCount must be a positive integer, got ${loopCount}`);
  }

  const digest = (await sha256OfFile(clip)).slice(0, 16);
  const name = `${basename(clip, extname(clip))}-${digest}-x${loopCount}.mkv`;
  const output = join(SIMULATOR_CACHE_DIR, name);
  if (existsSync(output)) return output;

  mkdirSync(SIMULATOR_CACHE_DIR, { recursive: true });
  // A unique partial name and an atomic rename let parallel test files share the cache.
  const partial = join(SIMULATOR_CACHE_DIR, `.${name}.${process.pid}.${Date.now()}.partial.mkv`);
  try {
    await execFileAsync('ffmpeg', [
      '-v',
      'error',
      '-nostdin',
      '-y',
      '-stream_loop',
      String(loopCount - 1),
      '-i',
      clip,
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-an',
      partial,
    ]);
    renameSync(partial, output);
  } catch (error: unknown) {
    rmSync(partial, { force: true });
    throw error;
  }
  return output;
}

/** Duration of a media file in seconds, from ffprobe. */
export async function mediaDurationSeconds(file: string): Promise<number> {
  const { stdout } = await execFileAsync('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    file,
  ]);
  const seconds = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`ffprobe gave no duration for ${file}: ${JSON.stringify(stdout)}`);
  }
  return seconds;
}

async function loopsForSeconds(clip: string, seconds: number): Promise<number> {
  // A container's duration can overstate its stream's (3.7 s for 3.63 s of frames): 5 % slack.
  return Math.ceil((seconds / (await mediaDurationSeconds(clip))) * 1.05);
}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}
