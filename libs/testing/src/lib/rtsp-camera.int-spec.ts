import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { trackChild } from './child-registry';
import { mediaDurationSeconds } from './loop-video';
import { readProcess } from './process-watcher';
import { fixturePath } from './repo-paths';
import { startRtspCamera } from './rtsp-camera';
import { waitFor } from './wait-for';

const JPEG_START = Buffer.from([0xff, 0xd8]);
const JPEG_END = Buffer.from([0xff, 0xd9]);

interface FfmpegResult {
  frames: Buffer[];
  exitCode: number | null;
  stderr: string;
}

/** Pulls `url` with ffmpeg as camera-ingest does and collects up to `count` JPEG frames. */
function grabJpegFrames(url: string, count: number, timeoutMs: number): Promise<FfmpegResult> {
  const ffmpeg = spawn(
    'ffmpeg',
    [
      '-nostdin',
      '-v',
      'error',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
      '-i',
      url,
      '-vf',
      'fps=5,scale=640:-2',
      '-f',
      'image2pipe',
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  trackChild(ffmpeg);

  const frames: Buffer[] = [];
  let pending = Buffer.alloc(0);
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  ffmpeg.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    // mjpeg from ffmpeg has no embedded thumbnails, so the first EOI ends the frame.
    for (let end = pending.indexOf(JPEG_END); end >= 0; end = pending.indexOf(JPEG_END)) {
      frames.push(pending.subarray(0, end + 2));
      pending = pending.subarray(end + 2);
    }
    if (frames.length >= count) ffmpeg.kill('SIGKILL');
  });
  const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), timeoutMs);

  return new Promise((resolve) => {
    ffmpeg.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ frames: frames.slice(0, count), exitCode, stderr });
    });
  });
}

describe('startRtspCamera', () => {
  it('serves a looped clip that ffmpeg turns into JPEG frames', async () => {
    const camera = await startRtspCamera({ file: fixturePath('video', 'faces_asl_book.mkv') });
    try {
      const startedAt = Date.now();
      const { frames, stderr } = await grabJpegFrames(camera.url, 10, 15_000);
      const elapsedMs = Date.now() - startedAt;

      expect(stderr).toBe('');
      expect(frames).toHaveLength(10);
      for (const frame of frames) {
        expect(frame.subarray(0, 2)).toEqual(JPEG_START);
        expect(frame.subarray(-2)).toEqual(JPEG_END);
        expect(frame.length).toBeGreaterThan(5_000);
      }
      // 10 frames at 5 fps need about 2 s of stream time when the server paces in real time.
      expect(elapsedMs).toBeGreaterThan(1_500);
      expect(camera.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/stream$/);
      expect(await mediaDurationSeconds(camera.servedFile)).toBeGreaterThanOrEqual(600);
    } finally {
      await camera.stop();
    }

    expect(readProcess(camera.pid)).toBeUndefined();
  });

  it('requires the credentials when a user is set', async () => {
    const camera = await startRtspCamera({
      file: fixturePath('video', 'faces_head_pose_male.mp4'),
      path: 'cam1',
      user: 'admin',
      password: 'p@ss:w/rd',
      loopCount: 3,
    });
    try {
      expect(camera.urlWithCredentials).toBe(
        `rtsp://admin:p%40ss%3Aw%2Frd@127.0.0.1:${camera.port}/cam1`,
      );

      const refused = await grabJpegFrames(camera.url, 1, 10_000);
      expect(refused.frames).toHaveLength(0);
      expect(refused.stderr).toContain('401 Unauthorized');

      const allowed = await grabJpegFrames(camera.urlWithCredentials, 2, 15_000);
      expect(allowed.frames).toHaveLength(2);
    } finally {
      await camera.stop();
    }
  });

  it('keeps serving after being frozen with SIGSTOP and thawed with SIGCONT', async () => {
    const camera = await startRtspCamera({ file: fixturePath('video', 'faces_asl_eat.mkv') });
    try {
      process.kill(camera.pid, 'SIGSTOP');
      await waitFor(() => readProcess(camera.pid)?.state === 'T', {
        timeoutMs: 2_000,
        what: 'the camera to be stopped',
      });
      const whileFrozen = await grabJpegFrames(camera.url, 1, 2_000);
      process.kill(camera.pid, 'SIGCONT');

      const afterThaw = await grabJpegFrames(camera.url, 3, 15_000);

      expect(whileFrozen.frames).toHaveLength(0);
      expect(afterThaw.frames).toHaveLength(3);
    } finally {
      await camera.stop();
    }
  });

  it('gives frames again to a client that is killed and reconnects at once', async () => {
    const camera = await startRtspCamera({ file: fixturePath('video', 'faces_asl_book.mkv') });
    try {
      const framesPerAttempt: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const { frames } = await grabJpegFrames(camera.url, 2, 10_000);
        framesPerAttempt.push(frames.length);
      }

      expect(framesPerAttempt).toEqual([2, 2, 2, 2, 2]);
    } finally {
      await camera.stop();
    }
  });

  it('fails when the file is not a video', async () => {
    const attempt = startRtspCamera({
      file: fixturePath('schemas', 'compose-spec.json'),
      loopCount: 1,
    });

    await expect(attempt).rejects.toThrow();
  });
});
