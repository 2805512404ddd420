import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@edgewatch/testing';

import { InferenceClient } from './inference.client';
import { InferenceTimeoutError, InferenceWorkerCrashedError } from './inference.errors';
import type { InferenceWorkerConfig } from './inference.protocol';

/**
 * Stand-in workers speaking the protocol without models: one that never answers a
 * detect-describe request (a hung WASM call), one that exits on it (a crash).
 */
const FAKE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const tensors = { numTensors: 7, numBytes: 700 };
parentPort.postMessage({ type: 'ready', backend: 'fake', simd: false, multithread: false,
  detectors: ['tiny'], profiles: {}, faceApiVersion: 'fake', tfjsVersion: 'fake', modelDir: '',
  startupMs: 0, tensors });
parentPort.on('message', (request) => {
  if (request.kind === 'tensor-memory') {
    parentPort.postMessage({ type: 'reply', id: request.id, ok: true, kind: 'tensor-memory',
      result: { tensors, heapUsedBytes: 0 }, tensors });
  } else if (workerData.onDetect === 'exit') {
    process.exit(3);
  }
});
`;

const clients: InferenceClient[] = [];
/** Holds the fake worker file; made once, removed after the suite. */
let workerDir: string;

function client(onDetect: 'hang' | 'exit', restarts: string[]): InferenceClient {
  const created = new InferenceClient({
    worker: { onDetect } as unknown as InferenceWorkerConfig,
    logger: pino({ level: 'silent' }),
    requestTimeoutMs: 300,
    maxPending: 2,
    restartInitialDelayMs: 50,
    workerFile: join(workerDir, 'fake.worker.js'),
    observer: { restarted: (reason) => restarts.push(reason) },
  });
  clients.push(created);
  return created;
}

const options = { profile: 'live', minFaceHeightPx: 0, maxFaces: 1 } as const;

describe('InferenceClient', () => {
  beforeAll(() => {
    workerDir = mkdtempSync(join(tmpdir(), 'edgewatch-fake-worker-'));
    writeFileSync(join(workerDir, 'fake.worker.js'), FAKE_WORKER);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(() => {
    rmSync(workerDir, { recursive: true, force: true });
  });

  it('replaces a worker that does not answer in time and serves again afterwards', async () => {
    const restarts: string[] = [];
    const inference = client('hang', restarts);
    await inference.start();

    await expect(inference.detectAndDescribe(Buffer.from('x'), options)).rejects.toBeInstanceOf(
      InferenceTimeoutError,
    );

    await waitFor(() => restarts.length === 1 && inference.ready, {
      timeoutMs: 5_000,
      what: 'a new worker',
    });
    expect(restarts).toEqual(['timeout']);
    expect((await inference.tensorMemory()).tensors).toEqual({ numTensors: 7, numBytes: 700 });
  });

  it('rejects the pending request of a crashed worker and restarts it', async () => {
    const restarts: string[] = [];
    const inference = client('exit', restarts);
    await inference.start();

    await expect(inference.detectAndDescribe(Buffer.from('x'), options)).rejects.toBeInstanceOf(
      InferenceWorkerCrashedError,
    );

    await waitFor(() => inference.ready, { timeoutMs: 5_000, what: 'a new worker' });
    expect(restarts).toEqual(['exit']);
  });

  it('closes more than once without error and refuses work afterwards', async () => {
    const inference = client('hang', []);
    await inference.start();

    await Promise.all([inference.close(), inference.close()]);

    expect(inference.status.state).toBe('closed');
    await expect(inference.tensorMemory()).rejects.toThrow(/closed/);
  });
});
