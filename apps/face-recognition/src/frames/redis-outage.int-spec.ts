import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAnswersPing, sleep, waitFor } from '@edgewatch/testing';

import { WORKER_CLOSE_DEADLINE_MS } from './frames.processor';
import { facePhoto, startServiceHarness, type ServiceHarness } from '../testing/service.harness';

/** A redis-server on a given port of 127.0.0.1, to bring Redis back where it was. */
function redisOnPort(port: number): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'edgewatch-redis-again-'));
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
}

describe('frames worker and Redis outages', () => {
  let harness: ServiceHarness;
  let replacement: ChildProcess | undefined;

  beforeAll(async () => {
    harness = await startServiceHarness();
  });

  afterAll(async () => {
    await harness?.close();
    replacement?.kill('SIGKILL');
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
    replacement = redisOnPort(port);
    await waitFor(() => redisAnswersPing(port), { timeoutMs: 10_000, what: 'the new Redis' });

    await pushWhenRedisAnswers('restarted');
    expect(
      await harness.metric('edgewatch_frames_processed_total', { camera: 'restarted' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('shuts down within its deadline while Redis does not answer', async () => {
    replacement?.kill('SIGSTOP');
    const startedAt = Date.now();

    await harness.service.close();

    expect(Date.now() - startedAt).toBeLessThan(WORKER_CLOSE_DEADLINE_MS + 5_000);
    replacement?.kill('SIGCONT');
  });
});
