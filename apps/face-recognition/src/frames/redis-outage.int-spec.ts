import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startRedis, waitFor, type RedisServer } from '@edgewatch/testing';

import { WORKER_CLOSE_DEADLINE_MS } from './frames.processor';
import { facePhoto, startServiceHarness, type ServiceHarness } from '../testing/service.harness';

describe('frames worker and Redis outages', () => {
  let harness: ServiceHarness;
  let replacement: RedisServer | undefined;

  beforeAll(async () => {
    harness = await startServiceHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await replacement?.stop();
  });

  /** Frames can be added again (the test's producer fails fast while Redis is away). */
  async function pushWhenRedisAnswers(cameraId: string): Promise<void> {
    await waitFor(
      async () => {
        await harness.pushFrame(cameraId, facePhoto('obama', 4));
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `a frame of ${cameraId} to be processed` },
    );
  }

  it('resumes by itself after Redis was frozen (SIGSTOP) for 12 s', async () => {
    await harness.pushFrame('outage', facePhoto('obama', 4));

    process.kill(harness.redis.pid, 'SIGSTOP');
    await sleep(12_000);
    process.kill(harness.redis.pid, 'SIGCONT');

    await pushWhenRedisAnswers('outage');
    expect(await harness.metric('edgewatch_frames_processed_total', { camera: 'outage' })).toBe(2);
  });

  it('resumes by itself after Redis was killed and started again on its port', async () => {
    const port = harness.redis.port;
    await harness.redis.stop();
    await sleep(3_000);
    replacement = await startRedis({ port });

    await pushWhenRedisAnswers('restarted');
    expect(
      await harness.metric('edgewatch_frames_processed_total', { camera: 'restarted' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('shuts down within its deadline while Redis does not answer', async () => {
    if (replacement) process.kill(replacement.pid, 'SIGSTOP');
    const startedAt = Date.now();

    await harness.service.close();

    expect(Date.now() - startedAt).toBeLessThan(WORKER_CLOSE_DEADLINE_MS + 5_000);
    if (replacement) process.kill(replacement.pid, 'SIGCONT');
  });
});
