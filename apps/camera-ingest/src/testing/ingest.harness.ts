import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { loadCameraIngestConfig, type CameraIngestConfig, type Env } from '@edgewatch/config';
import { createLogger, readMetric } from '@edgewatch/telemetry';
import type { Registry } from 'prom-client';
import { stringify } from 'yaml';

import { createCameraIngestApp } from '../app/camera-ingest.bootstrap';
import { CaptureService } from '../capture/capture.service';
import { FramesProducer } from '../publish/frames.producer';

/** Every log line a test run wrote, raw and parsed. */
export class CapturedLogs extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  /** Parsed lines whose message matches. */
  matching(message: RegExp): Array<Record<string, unknown>> {
    return this.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => message.test(String(entry['msg'])));
  }
}

export interface TestCamera {
  id: string;
  rtspUrl: string;
  detectFps?: number;
  detectWidth?: number;
}

export interface StartIngestOptions {
  cameras: TestCamera[];
  redisUrl: string;
  /** Short settings for tests, as environment variables (STALL_TIMEOUT_MS, ...). */
  env?: Env;
  /** Shared by several apps of one test; a new one otherwise. */
  logs?: CapturedLogs;
}

export interface IngestUnderTest {
  config: CameraIngestConfig;
  capture: CaptureService;
  producer: FramesProducer;
  registry: Registry;
  logs: CapturedLogs;
  /** http://127.0.0.1:PORT of the running app. */
  baseUrl: string;
  metric(name: string, labels: Record<string, string>): Promise<number>;
  /** Closes the app (cameras stopped and reaped, Redis closed). Idempotent. */
  close(): Promise<void>;
}

let prefixCounter = 0;

/** A unique REDIS_PREFIX per test. */
export function uniquePrefix(label: string): string {
  prefixCounter += 1;
  return `test-${label}-${process.pid}-${Date.now()}-${prefixCounter}`;
}

/** Starts camera-ingest in this process on a free port, logging into a captured stream. */
export async function startIngest(options: StartIngestOptions): Promise<IngestUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'edgewatch-ingest-'));
  const camerasFile = join(dir, 'cameras.yaml');
  writeFileSync(camerasFile, stringify({ cameras: options.cameras }));

  const config = loadCameraIngestConfig({
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: uniquePrefix('ingest'),
    LOG_LEVEL: 'debug',
    MEMORY_SAMPLE_INTERVAL_MS: '0',
    PORT: '7101',
    CAMERAS_FILE: camerasFile,
    ...options.env,
  });
  const logs = options.logs ?? new CapturedLogs();
  const logger = createLogger({
    service: 'camera-ingest',
    level: 'debug',
    format: 'json',
    destination: logs,
  });
  const { app, registry } = await createCameraIngestApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    config,
    capture: app.get(CaptureService),
    producer: app.get(FramesProducer),
    registry,
    logs,
    baseUrl: `http://127.0.0.1:${port}`,
    metric: async (name, labels) => (await readMetric(registry, name, labels)) ?? Number.NaN,
    close: () => {
      closing ??= app.close().finally(() => rmSync(dir, { recursive: true, force: true }));
      return closing;
    },
  };
}

/** One camera's counters, read from the Prometheus registry (not from internal state). */
export interface CameraCounts {
  in: number;
  sent: number;
  heartbeat: number;
  skippedMotion: number;
  dropped: { cap: number; redis: number; busy: number; oversize: number; corrupt: number };
  restarts: { exit: number; stall: number; overspeed: number; spawn_error: number };
  stalls: number;
  ffmpegUp: number;
  lastFrameAgeSeconds: number;
}

export async function cameraCounts(ingest: IngestUnderTest, camera: string): Promise<CameraCounts> {
  const read = (name: string, labels: Record<string, string> = {}) =>
    ingest.metric(`edgewatch_camera_${name}`, { camera, ...labels });
  const dropped = async (reason: string) => read('frames_dropped_total', { reason });
  const restarts = async (reason: string) => read('restarts_total', { reason });
  return {
    in: await read('frames_in_total'),
    sent: await read('frames_sent_total'),
    heartbeat: await read('frames_heartbeat_total'),
    skippedMotion: await read('frames_skipped_motion_total'),
    dropped: {
      cap: await dropped('cap'),
      redis: await dropped('redis'),
      busy: await dropped('busy'),
      oversize: await dropped('oversize'),
      corrupt: await dropped('corrupt'),
    },
    restarts: {
      exit: await restarts('exit'),
      stall: await restarts('stall'),
      overspeed: await restarts('overspeed'),
      spawn_error: await restarts('spawn_error'),
    },
    stalls: await read('stalls_total'),
    ffmpegUp: await read('ffmpeg_up'),
    lastFrameAgeSeconds: await read('last_frame_age_seconds'),
  };
}

/** HTTP status of a GET on the app under test. */
export async function httpStatus(ingest: IngestUnderTest, path: string): Promise<number> {
  const response = await fetch(`${ingest.baseUrl}${path}`);
  await response.arrayBuffer();
  return response.status;
}

/** Matches the ffmpeg of one test camera in /proc, by its RTSP port. */
export function isFfmpegOfPort(port: number): (cmdline: string) => boolean {
  return (cmdline) => cmdline.startsWith('ffmpeg ') && cmdline.includes(`127.0.0.1:${port}/`);
}
