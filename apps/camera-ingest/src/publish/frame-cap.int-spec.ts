import { framesQueueOptions, QueueName } from '@edgewatch/queues';
import {
  fixturePath,
  freePort,
  sleep,
  startRedis,
  startRtspCamera,
  waitFor,
  type RedisServer,
  type RtspCamera,
} from '@edgewatch/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  cameraCounts,
  httpStatus,
  startIngest,
  type IngestUnderTest,
} from '../testing/ingest.harness';

describe('frames queue from the ingest side (real Redis, no consumer)', () => {
  let redis: RedisServer;
  let camera: RtspCamera;

  beforeAll(async () => {
    redis = await startRedis();
    camera = await startRtspCamera({ file: fixturePath('video', 'faces_asl_again.mkv') });
  });

  afterAll(async () => {
    await camera.stop();
    await redis.stop();
  });

  it(
    'never holds more than the cap per camera; ' +
      'every frame is sent, skipped or dropped and counted',
    async () => {
      const app = await startIngest({
        cameras: [{ id: 'door', rtspUrl: camera.url }],
        redisUrl: redis.url,
        env: { FRAMES_PER_CAMERA_CAP: '2', MOTION_HEARTBEAT_MS: '1000' },
      });
      let maxBacklog = 0;
      let backlogSamples = 0;
      try {
        await waitFor(
          async () => {
            const backlog = await app.producer.backlog('door');
            maxBacklog = Math.max(maxBacklog, backlog);
            backlogSamples += 1;
            return (await cameraCounts(app, 'door')).sent >= 25;
          },
          { timeoutMs: 60_000, intervalMs: 20, what: '25 frames sent' },
        );
      } finally {
        await app.close();
      }

      const counts = await cameraCounts(app, 'door');
      const finalBacklog = await backlogOf(redis.url, app.config.redis.prefix, 'door');
      const tokenJobs = await tokenJobsOf(redis.url, app.config.redis.prefix);
      console.info('frame cap', { maxBacklog, backlogSamples, finalBacklog, counts });

      expect(maxBacklog).toBe(2);
      expect(backlogSamples).toBeGreaterThan(50);
      // Sent frames either still wait or were pushed out by the cap (no consumer ran).
      expect(counts.sent - counts.dropped.cap).toBe(finalBacklog.length);
      expect(counts.dropped.cap).toBe(counts.sent - 2);
      // Every frame read is accounted for exactly once.
      expect(counts.in).toBe(
        counts.sent + counts.skippedMotion + counts.dropped.busy + counts.dropped.redis,
      );
      // The waiting frames are the newest sent; their bytes are not in job data.
      expect(finalBacklog).toEqual([...finalBacklog].sort((a, b) => a - b));
      expect(tokenJobs.length).toBeLessThanOrEqual(2);
      for (const job of tokenJobs) expect(job).toEqual({ cameraId: 'door' });
    },
  );

  it(
    'with Redis unreachable it starts, ' +
      'says which dependency is missing, drops frames as redis',
    async () => {
      const nobodyListens = await freePort();
      const redisUrl = `redis://127.0.0.1:${nobodyListens}`;
      const app = await startIngest({
        cameras: [{ id: 'door', rtspUrl: camera.url }],
        redisUrl,
        env: { CAMERA_LOG_INTERVAL_MS: '2000', MOTION_THRESHOLD: '0' },
      });
      try {
        await waitFor(async () => (await cameraCounts(app, 'door')).dropped.redis >= 20, {
          timeoutMs: 30_000,
          what: '20 frames dropped for Redis',
        });
        expect(await httpStatus(app, '/health/live')).toBe(200);
        expect(await httpStatus(app, '/health/ready')).toBe(503);
        expect(await redisReadiness(app)).toMatchObject({
          status: 'down',
          url: expect.stringMatching(new RegExp(`^${redisUrl}/?$`)),
          reason: `connect ECONNREFUSED 127.0.0.1:${nobodyListens}`,
          unreachableSince: expect.any(String),
        });
        expect(app.capture.framesHeld()).toBeLessThanOrEqual(4);
      } finally {
        await app.close();
      }

      const counts = await cameraCounts(app, 'door');
      const unreachableLines = app.logs.matching(
        new RegExp(`Redis at ${redisUrl}/? is not reachable`),
      );
      const refusedLines = app.logs.matching(/frames queue refused/);
      expect(unreachableLines.length).toBeGreaterThanOrEqual(1);
      expect(refusedLines.length).toBeGreaterThanOrEqual(1);
      expect(refusedLines.length).toBeLessThan(counts.dropped.redis / 5);
      expect(counts.sent).toBe(0);
    },
  );
});

async function redisReadiness(app: IngestUnderTest): Promise<unknown> {
  const response = await fetch(`${app.baseUrl}/health/ready`);
  const body = (await response.json()) as { details: { redis: unknown } };
  return body.details.redis;
}

async function backlogOf(redisUrl: string, prefix: string, cameraId: string): Promise<number[]> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  try {
    const members = await redis.zrange(`${prefix}:frame-store:{${cameraId}}:order`, 0, -1);
    return members.map((member) => Number(member.split(':')[1]));
  } finally {
    redis.disconnect();
  }
}

async function tokenJobsOf(redisUrl: string, prefix: string): Promise<unknown[]> {
  const queue = new Queue(QueueName.frames, {
    connection: { url: redisUrl },
    ...framesQueueOptions(prefix),
  });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    await sleep(0);
    return jobs.map((job) => job.data as unknown);
  } finally {
    await queue.close();
  }
}
