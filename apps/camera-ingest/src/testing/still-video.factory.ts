import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A still scene: one real photo looped into an H.264 video (cached in the temp dir), so
 * the RTSP camera serves a real stream in which nothing moves.
 */
export async function makeStillVideo(photo: string, seconds = 30): Promise<string> {
  const dir = join(tmpdir(), 'edgewatch-still');
  const output = join(dir, `${basename(photo, '.jpg')}-still-${seconds}s-nobf.mkv`);
  if (existsSync(output)) return output;

  mkdirSync(dir, { recursive: true });
  const partial = `${output}.${process.pid}.partial.mkv`;
  // prettier-ignore
  await execFileAsync('ffmpeg', [
    '-v', 'error', '-nostdin', '-y',
    '-loop', '1', '-framerate', '10', '-i', photo,
    '-t', String(seconds),
    '-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2',
    // No B-frames, like most IP cameras.
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '50', '-bf', '0',
    partial,
  ]);
  renameSync(partial, output);
  return output;
}
