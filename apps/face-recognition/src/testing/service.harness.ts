import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadFaceRecognitionConfig, type FaceRecognitionConfig } from '@edgewatch/config';
import {
  createRedisConnection,
  FrameQueue,
  waitForRedis,
  RecognitionStream,
} from '@edgewatch/queues';
import { readMetric } from '@edgewatch/telemetry';
import {
  fixturePath,
  startDynalite,
  startRedis,
  waitFor,
  type DynaliteServer,
  type RedisServer,
} from '@edgewatch/testing';
import type { Redis } from 'ioredis';

import { createFaceRecognitionApp, type FaceRecognitionApp } from '../face-recognition.app';
import { InferenceService } from '../inference/inference.service';
import { createDynamoClient } from '../members/dynamodb.client';
import { ensureMembersTable, MembersRepository } from '../members/members.repository';

/** Log lines kept for assertions; older ones are dropped. */
const KEPT_LOG_LINES = 5_000;

export interface HarnessOptions {
  /** Extra environment for loadFaceRecognitionConfig. */
  env?: Record<string, string>;
  /** Create the members table before the service starts. Default true. */
  createTable?: boolean;
}

/**
 * The service in-process against a private Redis and dynalite on loopback, with its own
 * key prefix, a frame producer, the recognitions stream and the captured log lines.
 */
export interface ServiceHarness {
  config: FaceRecognitionConfig;
  service: FaceRecognitionApp;
  url: string;
  redis: RedisServer;
  dynalite: DynaliteServer;
  dynamo: DynamoDBClient;
  members: MembersRepository;
  frames: FrameQueue;
  stream: RecognitionStream;
  logLines: string[];
  inference: InferenceService;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Adds a frame for `cameraId` and waits until the service has dealt with it. */
  pushFrame(cameraId: string, jpeg: Buffer, capturedAt?: number): Promise<void>;
  close(): Promise<void>;
}

let nextSequence = 1;

export async function startServiceHarness(options: HarnessOptions = {}): Promise<ServiceHarness> {
  const redis = await startRedis();
  const dynalite = await startDynalite();
  const prefix = `fr-test-${randomUUID().slice(0, 8)}`;
  const config = loadFaceRecognitionConfig({
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    LOG_LEVEL: 'info',
    MEMORY_SAMPLE_INTERVAL_MS: '0',
    ...options.env,
  });

  const dynamo = createDynamoClient(config.dynamo);
  if (options.createTable ?? true) await ensureMembersTable(dynamo, config.dynamo.membersTable);

  const { lines: logLines, destination: logDestination } = captureLogLines();
  const service = await createFaceRecognitionApp(config, { logDestination });
  const url = await service.listen(0, '127.0.0.1');
  const inference = service.app.get(InferenceService);
  await waitFor(() => inference.ready, { timeoutMs: 120_000, what: 'the models to load' });

  const producer: Redis = createRedisConnection({
    url: redis.url,
    role: 'producer',
    connectionName: 'test:frames-producer',
  });
  await waitForRedis(producer, redis.url, 5_000);
  const frames = new FrameQueue(producer, {
    prefix,
    capPerCamera: config.framesPerCameraCap,
    frameTtlMs: 60_000,
  });
  const stream = new RecognitionStream(producer, prefix, config.recognitionsStreamMaxLen);

  const metric = async (name: string, labels: Record<string, string> = {}) =>
    (await readMetric(service.registry, name, labels)) ?? 0;

  const handledFrames = async (camera: string) => {
    const names = [
      'edgewatch_frames_processed_total',
      'edgewatch_frames_skipped_stale_total',
      'edgewatch_frames_shed_total',
    ];
    const counts = await Promise.all(names.map((name) => metric(name, { camera })));
    const failed = await readAllLabelled(service, 'edgewatch_frames_failed_total', { camera });
    return counts.reduce((sum, count) => sum + count, failed);
  };

  return {
    config,
    service,
    url,
    redis,
    dynalite,
    dynamo,
    members: new MembersRepository(dynamo, config.dynamo.membersTable),
    frames,
    stream,
    logLines,
    inference,
    metric,
    async pushFrame(cameraId, jpeg, capturedAt = Date.now()) {
      const before = await handledFrames(cameraId);
      await frames.add({ cameraId, sequence: nextSequence++, capturedAt, jpeg });
      await waitFor(async () => (await handledFrames(cameraId)) > before, {
        timeoutMs: 30_000,
        intervalMs: 10,
        what: `frame of ${cameraId} to be handled`,
      });
    },
    async close() {
      await service.close();
      await frames.close();
      producer.disconnect();
      dynamo.destroy();
      await Promise.all([redis.stop(), dynalite.stop()]);
    },
  };
}

/** A log destination that keeps the last KEPT_LOG_LINES lines for assertions. */
export function captureLogLines(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      if (lines.length > KEPT_LOG_LINES) lines.splice(0, lines.length - KEPT_LOG_LINES);
      callback();
    },
  });
  return { lines, destination };
}

async function readAllLabelled(
  service: FaceRecognitionApp,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = service.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((value) =>
      Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
    )
    .reduce((sum, value) => sum + value.value, 0);
}

/** A face photo of the shared fixtures, e.g. facePhoto('obama', 1). */
export function facePhoto(person: string, index: number): Buffer {
  return readFileSync(fixturePath('faces', person, `${index}.jpg`));
}

export function fixtureImage(folder: string, file: string): Buffer {
  return readFileSync(fixturePath('faces', folder, file));
}

/** POSTs a body to /recognise with a content type; returns status, headers and parsed JSON. */
export async function postRecognise(
  url: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/recognise`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}
