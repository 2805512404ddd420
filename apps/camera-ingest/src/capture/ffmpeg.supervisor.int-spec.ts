import {
  fixturePath,
  freePort,
  sleep,
  startRedis,
  startRtspCamera,
  waitFor,
  watchProcesses,
  type RedisServer,
  type RtspCamera,
} from '@edgewatch/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  cameraCounts,
  httpStatus,
  isFfmpegOfPort,
  startIngest,
  type IngestUnderTest,
} from '../testing/ingest.harness';

describe('camera ffmpeg supervision (real ffmpeg, RTSP server and Redis)', () => {
  let redis: RedisServer;
  const cameras: RtspCamera[] = [];
  const apps: IngestUnderTest[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all(cameras.splice(0).map((camera) => camera.stop()));
  });

  afterAll(async () => {
    await redis.stop();
  });

  async function camera(): Promise<RtspCamera> {
    const started = await startRtspCamera({ file: fixturePath('video', 'faces_asl_book.mkv') });
    cameras.push(started);
    return started;
  }

  async function ingest(options: Parameters<typeof startIngest>[0]): Promise<IngestUnderTest> {
    const started = await startIngest(options);
    apps.push(started);
    return started;
  }

  it(
    'SIGKILLed 20 times: one ffmpeg at most, no zombie, ' +
      'frames resume, delays double then reset',
    async () => {
      const door = await camera();
      const app = await ingest({
        cameras: [{ id: 'door', rtspUrl: door.url }],
        redisUrl: redis.url,
        env: {
          BACKOFF_INITIAL_MS: '50',
          BACKOFF_MAX_MS: '800',
          BACKOFF_RESET_AFTER_MS: '1500',
          STALL_TIMEOUT_MS: '10000',
        },
      });
      const supervisor = app.capture.pipeline('door')?.supervisor;
      if (!supervisor) throw new Error('no supervisor for camera door');
      const watcher = watchProcesses({
        match: isFfmpegOfPort(door.port),
        parentPid: process.pid,
        intervalMs: 50,
      });
      const observedGapsMs: number[] = [];

      try {
        for (let kill = 1; kill <= 20; kill++) {
          const framesBefore = (await cameraCounts(app, 'door')).in;
          await waitFor(async () => (await cameraCounts(app, 'door')).in > framesBefore, {
            timeoutMs: 15_000,
            what: `frames before kill ${kill}`,
          });
          // Before kill 11 the run stays healthy longer than BACKOFF_RESET_AFTER_MS.
          if (kill === 11) await sleep(1_700);

          const pid = supervisor.pid;
          if (pid === undefined) throw new Error(`no ffmpeg running before kill ${kill}`);
          const killedAt = Date.now();
          process.kill(pid, 'SIGKILL');
          const nextPid = await waitFor(
            () => (supervisor.pid !== undefined && supervisor.pid !== pid ? supervisor.pid : 0),
            {
              timeoutMs: 15_000,
              intervalMs: 5,
              what: `a new ffmpeg after kill ${kill}`,
            },
          );
          observedGapsMs.push(Date.now() - killedAt);
          expect(nextPid).not.toBe(pid);
        }
        await waitFor(
          async () =>
            (await cameraCounts(app, 'door')).in > 0
              ? (supervisor.lastFrameAt ?? 0) > Date.now() - 1_000
              : false,
          {
            timeoutMs: 15_000,
            what: 'frames after the last kill',
          },
        );
      } finally {
        watcher.stop();
      }

      const delays = supervisor.restarts.map((restart) => restart.delayMs);
      console.info(
        'restart delays used (ms)',
        delays.join(' '),
        '| kill → new ffmpeg (ms)',
        observedGapsMs.join(' '),
      );
      expect(supervisor.restarts.map((restart) => restart.reason)).toEqual(Array(20).fill('exit'));
      expect(delays).toEqual([
        50, 100, 200, 400, 800, 800, 800, 800, 800, 800, 50, 100, 200, 400, 800, 800, 800, 800, 800,
        800,
      ]);
      observedGapsMs.forEach((gap, index) =>
        expect(gap).toBeGreaterThanOrEqual((delays[index] as number) - 5),
      );
      expect(watcher.maxAlive).toBe(1);
      expect(watcher.zombiesSeen).toEqual([]);
      expect(watcher.samples).toBeGreaterThan(100);
      const counts = await cameraCounts(app, 'door');
      expect(counts.restarts).toEqual({ exit: 20, stall: 0, overspeed: 0, spawn_error: 0 });
      expect(counts.ffmpegUp).toBe(1);

      await app.close();
      expect(watchProcesses({ match: isFfmpegOfPort(door.port) }).currentPids()).toEqual([]);
    },
  );

  it(
    'a camera frozen past the stall timeout: ' +
      'one stall restart, readiness fails, frames resume',
    async () => {
      const door = await camera();
      const app = await ingest({
        cameras: [{ id: 'door', rtspUrl: door.url }],
        redisUrl: redis.url,
        env: {
          STALL_TIMEOUT_MS: '3000',
          RTSP_TIMEOUT_MS: '30000',
          BACKOFF_INITIAL_MS: '100',
        },
      });
      const watcher = watchProcesses({ match: isFfmpegOfPort(door.port), parentPid: process.pid });
      await waitFor(async () => (await cameraCounts(app, 'door')).in >= 5, {
        timeoutMs: 15_000,
        what: 'frames',
      });
      expect(await httpStatus(app, '/health/ready')).toBe(200);

      process.kill(door.pid, 'SIGSTOP');
      try {
        await waitFor(async () => (await cameraCounts(app, 'door')).stalls === 1, {
          timeoutMs: 10_000,
          what: 'the stall to be counted',
        });
        expect(await httpStatus(app, '/health/ready')).toBe(503);
        expect((await cameraCounts(app, 'door')).lastFrameAgeSeconds).toBeGreaterThanOrEqual(3);
        await sleep(500);
      } finally {
        process.kill(door.pid, 'SIGCONT');
      }
      const framesAtResume = (await cameraCounts(app, 'door')).in;
      await waitFor(async () => (await cameraCounts(app, 'door')).in >= framesAtResume + 5, {
        timeoutMs: 15_000,
        what: 'frames after SIGCONT',
      });
      watcher.stop();

      const counts = await cameraCounts(app, 'door');
      expect(counts.stalls).toBe(1);
      expect(counts.restarts).toEqual({ exit: 0, stall: 1, overspeed: 0, spawn_error: 0 });
      expect(await httpStatus(app, '/health/ready')).toBe(200);
      expect(watcher.maxAlive).toBe(1);
      expect(watcher.zombiesSeen).toEqual([]);
    },
  );

  it(
    'an ffmpeg path that does not exist: ' +
      'the service stays up, backs off, retries, logs boundedly',
    async () => {
      const door = await camera();
      const app = await ingest({
        cameras: [{ id: 'door', rtspUrl: door.url }],
        redisUrl: redis.url,
        env: {
          FFMPEG_PATH: '/nonexistent/bin/ffmpeg',
          BACKOFF_INITIAL_MS: '50',
          BACKOFF_MAX_MS: '200',
          CAMERA_LOG_INTERVAL_MS: '1000',
        },
      });
      const observedForMs = 4_000;
      await sleep(observedForMs);

      const counts = await cameraCounts(app, 'door');
      const spawnErrorLines = app.logs.matching(/cannot start ffmpeg/);
      expect(await httpStatus(app, '/health/live')).toBe(200);
      expect(counts.restarts.spawn_error).toBeGreaterThanOrEqual(15);
      expect(counts.restarts.exit + counts.restarts.stall).toBe(0);
      expect(counts.ffmpegUp).toBe(0);
      expect(spawnErrorLines.length).toBeGreaterThanOrEqual(1);
      expect(spawnErrorLines.length).toBeLessThanOrEqual(observedForMs / 1_000 + 1);
      const suppressed = spawnErrorLines.reduce(
        (sum, line) => sum + Number(line['suppressedSinceLastLine']),
        0,
      );
      // Every failure is either logged or counted in the next line's suppressed count; the
      // failures of the last interval have no next line yet (at most one per 200 ms backoff).
      const unreportedAtMost = 1_000 / 200 + 1;
      expect(suppressed + spawnErrorLines.length).toBeGreaterThanOrEqual(
        counts.restarts.spawn_error - unreportedAtMost,
      );
      expect(JSON.stringify(spawnErrorLines[0])).toContain('ENOENT');
    },
  );

  it('a camera unreachable at start blocks neither start-up nor the other camera', async () => {
    const door = await camera();
    const nobodyListens = await freePort();
    const startedAt = Date.now();
    const app = await ingest({
      cameras: [
        { id: 'door', rtspUrl: door.url },
        { id: 'gone', rtspUrl: `rtsp://127.0.0.1:${nobodyListens}/stream` },
      ],
      redisUrl: redis.url,
      env: { BACKOFF_INITIAL_MS: '100', BACKOFF_MAX_MS: '400', STALL_TIMEOUT_MS: '2000' },
    });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(await httpStatus(app, '/health/live')).toBe(200);

    await waitFor(async () => (await cameraCounts(app, 'door')).in >= 15, {
      timeoutMs: 15_000,
      what: 'door frames',
    });
    const goneCounts = await cameraCounts(app, 'gone');
    const doorCounts = await cameraCounts(app, 'door');
    expect(goneCounts.in).toBe(0);
    expect(goneCounts.restarts.exit + goneCounts.restarts.stall).toBeGreaterThanOrEqual(2);
    expect(doorCounts.restarts).toEqual({ exit: 0, stall: 0, overspeed: 0, spawn_error: 0 });
    await sleep(2_100);
    const ready = await fetch(`${app.baseUrl}/health/ready`);
    const body = (await ready.json()) as { details: { cameraFrames: { stale: string[] } } };
    expect(ready.status).toBe(503);
    expect(body.details.cameraFrames.stale).toEqual(['gone']);
  });
});
