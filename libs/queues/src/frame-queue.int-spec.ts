import { randomUUID } from 'node:crypto';

import { startRedis, waitFor, type RedisServer } from '@edgewatch/testing';
import { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { FrameQueue } from './frame-queue';
import { FrameStore } from './frame-store';
import type { FramesWaitingJob, StoredFrame } from './payloads';
import { QueueName } from './queue-names';
import { QUEUE_EVENTS_MAX_LEN } from './retention';
import { framesQueueOptions } from './frame-queue';
import { createRedisConnection, waitForRedis } from './redis-connection';

const CAP = 2;

function frame(cameraId: string, sequence: number, baseTime: number): StoredFrame {
  return {
    cameraId,
    sequence,
    capturedAt: baseTime + sequence,
    jpeg: Buffer.from(`jpeg-${cameraId}-${sequence}`),
  };
}

describe('FrameQueue: the capped add of detect frames', () => {
  let redis: RedisServer;
  const opened: Array<{ close(): Promise<unknown> } | Redis> = [];

  async function connection(role: 'producer' | 'worker'): Promise<Redis> {
    const client = createRedisConnection({ url: redis.url, role, connectionName: `test-${role}` });
    opened.push(client);
    await waitForRedis(client, redis.url, 5_000);
    return client;
  }

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    for (const resource of opened.splice(0).reverse()) {
      if ('quit' in resource) resource.disconnect();
      else await resource.close();
    }
  });

  afterAll(async () => {
    await redis.stop();
  });

  it(
    'keeps the newest frames within the cap ' +
      'when 10x the cap arrive at once from two connections',
    async () => {
      const prefix = `test-${randomUUID()}`;
      const queues = [await connection('producer'), await connection('producer')].map(
        (producer) => new FrameQueue(producer, { prefix, capPerCamera: CAP, frameTtlMs: 60_000 }),
      );
      queues.forEach((queue) => opened.push(queue));
      const worker = new Worker<FramesWaitingJob>(QueueName.frames, async () => 'unused', {
        connection: await connection('worker'),
        prefix,
        autorun: false,
      });
      opened.push(worker);
      const monitor = await connection('producer');
      const store = new FrameStore(monitor, { prefix, capPerCamera: CAP, ttlMs: 60_000 });
      const cameras = ['entrance', 'lobby'];
      const added = 10 * CAP;
      const baseTime = Date.now();

      let maxBacklog = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          for (const camera of cameras)
            maxBacklog = Math.max(maxBacklog, await store.backlog(camera));
        }
      })();
      const results = await Promise.all(
        cameras.flatMap((camera) =>
          Array.from({ length: added }, (_, index) =>
            queues[index % 2]!.add(frame(camera, index + 1, baseTime)),
          ),
        ),
      );
      sampling = false;
      await sampler;

      expect(maxBacklog).toBeLessThanOrEqual(CAP);
      for (const camera of cameras) {
        const cameraResults = results.filter(
          (_, index) => Math.floor(index / added) === cameras.indexOf(camera),
        );
        const dropped = cameraResults.reduce(
          (sum, result) => sum + result.droppedSequences.length,
          0,
        );
        const kept = await store.waitingSequences(camera);

        expect(kept).toEqual([added - 1, added]);
        expect(dropped + kept.length).toBe(added);
      }
      const tokens = await new Queue(QueueName.frames, {
        connection: monitor,
        prefix,
      }).getJobCounts('waiting', 'active');
      expect(tokens.waiting).toBe(cameras.length);
    },
  );

  it('gives the worker the survivors oldest first, bytes intact, then nothing', async () => {
    const prefix = `test-${randomUUID()}`;
    const producer = new FrameQueue(await connection('producer'), {
      prefix,
      capPerCamera: CAP,
      frameTtlMs: 60_000,
    });
    opened.push(producer);
    const baseTime = Date.now();
    for (let sequence = 1; sequence <= 5; sequence++)
      await producer.add(frame('gate', sequence, baseTime));

    const store = new FrameStore(await connection('worker'), {
      prefix,
      capPerCamera: CAP,
      ttlMs: 60_000,
    });
    const taken = [
      await store.takeOldest('gate'),
      await store.takeOldest('gate'),
      await store.takeOldest('gate'),
    ];

    expect(taken.map((entry) => entry?.sequence ?? null)).toEqual([4, 5, null]);
    expect(taken[0]?.jpeg.toString()).toBe('jpeg-gate-4');
    expect(taken[1]?.capturedAt).toBe(baseTime + 5);
  });

  it(
    'leaves one follow-up token ' + 'when frames arrive while the camera is being processed',
    async () => {
      const prefix = `test-${randomUUID()}`;
      const producer = new FrameQueue(await connection('producer'), {
        prefix,
        capPerCamera: CAP,
        frameTtlMs: 60_000,
      });
      opened.push(producer);
      const store = new FrameStore(await connection('producer'), {
        prefix,
        capPerCamera: CAP,
        ttlMs: 60_000,
      });
      const baseTime = Date.now();
      let release: () => void = () => undefined;
      const processed: number[][] = [];
      let firstJobStarted: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (firstJobStarted = resolve));

      const worker = new Worker<FramesWaitingJob>(
        QueueName.frames,
        async (job: Job<FramesWaitingJob>) => {
          const sequences: number[] = [];
          for (let index = 0; index < CAP; index++) {
            const next = await store.takeOldest(job.data.cameraId);
            if (next) sequences.push(next.sequence);
          }
          processed.push(sequences);
          if (processed.length === 1) {
            firstJobStarted();
            await new Promise<void>((resolve) => (release = resolve));
          }
        },
        { connection: await connection('worker'), ...framesQueueOptions(prefix), concurrency: 1 },
      );
      opened.push(worker);

      await producer.add(frame('door', 1, baseTime));
      await started;
      for (let sequence = 2; sequence <= 6; sequence++)
        await producer.add(frame('door', sequence, baseTime));
      const queue = new Queue(QueueName.frames, { connection: store['redis'] as Redis, prefix });
      const whileActive = await queue.getJobCounts('waiting', 'active');
      release();
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(whileActive).toMatchObject({ active: 1, waiting: 0 });
      expect(processed).toEqual([[1], [5, 6]]);
      expect(await store.backlog('door')).toBe(0);
    },
  );

  it('keeps no finished frame jobs and trims the queue event stream', async () => {
    const prefix = `test-${randomUUID()}`;
    const producer = new FrameQueue(await connection('producer'), {
      prefix,
      capPerCamera: CAP,
      frameTtlMs: 60_000,
    });
    opened.push(producer);
    const monitor = await connection('producer');
    const store = new FrameStore(monitor, { prefix, capPerCamera: CAP, ttlMs: 60_000 });
    let handled = 0;
    const worker = new Worker<FramesWaitingJob>(
      QueueName.frames,
      async (job: Job<FramesWaitingJob>) => {
        while (await store.takeOldest(job.data.cameraId)) handled += 1;
      },
      { connection: await connection('worker'), ...framesQueueOptions(prefix) },
    );
    opened.push(worker);
    const frames = 400;
    const baseTime = Date.now();

    for (let sequence = 1; sequence <= frames; sequence++) {
      await producer.add(frame(`camera-${sequence % 4}`, sequence, baseTime));
      if (sequence % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const queue = new Queue(QueueName.frames, { connection: monitor, prefix });
    await waitFor(async () => (await queue.getJobCounts('waiting', 'active')).waiting === 0, {
      timeoutMs: 10_000,
      what: 'the frames queue to drain',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active');
    const events = await monitor.xlen(`${prefix}:${QueueName.frames}:events`);

    expect(handled).toBeGreaterThan(0);
    expect(counts).toEqual({ completed: 0, failed: 0, waiting: 0, active: 0 });
    // BullMQ trims with XADD MAXLEN ~, which removes whole stream nodes (100 entries each).
    expect(events).toBeLessThanOrEqual(QUEUE_EVENTS_MAX_LEN + 100);
  });
});
