import {
  fixturePath,
  startRedis,
  startRtspCamera,
  waitFor,
  type RedisServer,
} from '@edgewatch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cameraCounts, startIngest, type CameraCounts } from '../testing/ingest.harness';
import { makeStillVideo } from '../testing/still-video.factory';

describe('motion gating (real RTSP stream, ffmpeg, sharp and Redis)', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis.stop();
  });

  /** Runs one camera until `frames` came in, stops the app and returns its final counters. */
  async function runCamera(
    file: string,
    frames: number,
    heartbeatMs: number,
  ): Promise<CameraCounts> {
    const camera = await startRtspCamera({ file });
    const app = await startIngest({
      cameras: [{ id: 'scene', rtspUrl: camera.url }],
      redisUrl: redis.url,
      env: { MOTION_HEARTBEAT_MS: String(heartbeatMs), FRAMES_PER_CAMERA_CAP: '50' },
    });
    try {
      await waitFor(async () => (await cameraCounts(app, 'scene')).in >= frames, {
        timeoutMs: 60_000,
        what: `${frames} frames`,
      });
    } finally {
      await app.close();
      await camera.stop();
    }
    // After close every frame read has been decided and every add has settled.
    return cameraCounts(app, 'scene');
  }

  it('a still scene sends only heartbeat frames and skips the rest', async () => {
    const still = await makeStillVideo(fixturePath('faces', '_none', 'empty_room.jpg'));
    const counts = await runCamera(still, 40, 1_000);
    console.info('still scene', counts);

    expect(counts.sent).toBe(counts.heartbeat);
    // Frames replaced while the gate was busy (ffmpeg's start-up burst) were never decided.
    expect(counts.skippedMotion).toBe(counts.in - counts.sent - counts.dropped.busy);
    expect(counts.dropped.busy).toBeLessThanOrEqual(8);
    // 40 frames at 5 fps is 8 s: a heartbeat a second, give or take the edges.
    expect(counts.sent).toBeGreaterThanOrEqual(6);
    expect(counts.sent).toBeLessThanOrEqual(10);
    expect({ ...counts.dropped, busy: 0 }).toEqual({
      cap: 0,
      redis: 0,
      busy: 0,
      oversize: 0,
      corrupt: 0,
    });
  });

  it('a moving person sends most frames, for motion rather than heartbeat', async () => {
    const counts = await runCamera(fixturePath('video', 'faces_asl_again.mkv'), 40, 60_000);
    console.info('moving clip', counts);

    expect(counts.sent / counts.in).toBeGreaterThan(0.5);
    expect(counts.heartbeat).toBe(1);
    expect(counts.in).toBe(counts.sent + counts.skippedMotion + counts.dropped.busy);
  });
});
