import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { loadFaceRecognitionConfig } from '@edgewatch/config';
import { createRedisConnection, FrameQueue, waitForRedis } from '@edgewatch/queues';
import {
  fixturePath,
  freePort,
  sleep,
  startDynalite,
  startRedis,
  waitFor,
} from '@edgewatch/testing';

import { loadFaceApi, loadModels } from '../../apps/face-recognition/src/inference/face-api.loader';
import { FacePipeline } from '../../apps/face-recognition/src/inference/face.pipeline';
import { decodeImage } from '../../apps/face-recognition/src/inference/image.decoder';
import { MembersAdmin } from '../stack/members-admin';
import { buildApps } from '../stack/stack';
import { ServiceProcess } from '../stack/service-process';

/*
 * Frames per second through the whole worker path (frame store → frames queue → BullMQ
 * worker → inference thread → matching → recognitions stream, in the built service) against
 * the raw decode + detect + describe loop on the same frames in this process, then the
 * service's RSS after warm-up and after many frames.
 */

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '5000' },
    'ratio-frames': { type: 'string', default: '300' },
  },
});
const TOTAL_FRAMES = Number(args.frames);
const RATIO_FRAMES = Math.min(Number(args['ratio-frames']), TOTAL_FRAMES);
const WARM_UP_FRAMES = 20;
const CLIPS = [
  'faces_asl_again.mkv',
  'faces_asl_bird.mkv',
  'faces_asl_book.mkv',
  'faces_asl_eat.mkv',
  'faces_head_pose_female.mp4',
  'faces_head_pose_male.mp4',
  'no_people_bottles.mp4',
];

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** Real clip frames at the detect rate and width, as camera-ingest produces them. */
function extractFrames(fps: number, widthPx: number): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), 'edgewatch-bench-'));
  try {
    for (const clip of CLIPS) {
      execFileSync('ffmpeg', [
        '-loglevel',
        'error',
        '-i',
        fixturePath('video', clip),
        '-t',
        '10',
        '-vf',
        `fps=${fps},scale=${widthPx}:-2`,
        '-q:v',
        '5',
        join(dir, `${clip}-%04d.jpg`),
      ]);
    }
    return readdirSync(dir)
      .sort()
      .map((file) => readFileSync(join(dir, file)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawLoop(frames: readonly Buffer[], count: number) {
  const config = loadFaceRecognitionConfig({});
  const loaded = await loadFaceApi('auto');
  await loadModels(loaded.faceapi, [config.live.detector]);
  const pipeline = new FacePipeline(loaded.faceapi);
  const query = {
    detector: {
      kind: config.live.detector,
      inputSize: config.live.inputSize,
      minScore: config.live.minScore,
    },
    minFaceHeightPx: config.minFaceHeightPx,
    maxFaces: config.maxFacesPerFrame,
  };
  const runOne = async (jpeg: Buffer) => {
    const image = await decodeImage(
      jpeg,
      { kind: 'fixed-width', widthPx: 640 },
      config.recognise.maxPixels,
    );
    return pipeline.detectAndDescribe(image, query);
  };

  for (let index = 0; index < WARM_UP_FRAMES; index++) await runOne(frames[index % frames.length]!);
  let faces = 0;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const result = await runOne(frames[index % frames.length]!);
    faces += result.faces.length;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    backend: `${loaded.backend}${loaded.simd ? ' (SIMD)' : ''}`,
    detector: `${config.live.detector}, input ${config.live.inputSize}`,
    fps: count / seconds,
    faces,
  };
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

function metricSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function main(): Promise<void> {
  log('Extracting real clip frames at 5 fps, 640 px wide...');
  const frames = extractFrames(5, 640);
  log(`${frames.length} frames from ${CLIPS.length} clips`);

  log(`Raw loop in one thread: decode + detect + describe, ${RATIO_FRAMES} frames...`);
  const raw = await rawLoop(frames, RATIO_FRAMES);

  log('Building and starting the face-recognition service...');
  buildApps();
  const redis = await startRedis();
  const dynalite = await startDynalite();
  const port = await freePort();
  const prefix = 'bench';
  const service = new ServiceProcess({
    app: 'face-recognition',
    port,
    logFile: join(tmpdir(), `edgewatch-bench-face-recognition-${Date.now()}.log`),
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PORT: String(port),
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      MEMBERS_REFRESH_MS: '1000',
      // Every frame is processed: this measures throughput, not freshness.
      FRAME_FRESHNESS_MS: '3600000',
      MEMORY_SAMPLE_INTERVAL_MS: '0',
    },
  });
  const members = new MembersAdmin(dynalite.endpoint, 'members', `${service.baseUrl}/recognise`);
  const producer = createRedisConnection({
    url: redis.url,
    role: 'producer',
    connectionName: 'bench',
  });
  const queue = new FrameQueue(producer, { prefix, capPerCamera: 2, frameTtlMs: 3_600_000 });

  try {
    await members.ensureTable();
    service.start();
    await service.waitHealthy('/health/ready', 120_000);
    await members.enrol('member-bench', 'Bench Person', [
      fixturePath('video', 'stills', 'head_pose_male_t0.5.jpg'),
    ]);
    await waitForRedis(producer, redis.url, 5_000);
    const pid = service.pid ?? 0;

    let sequence = 0;
    const processed = async () =>
      metricSum(
        await (await fetch(`${service.baseUrl}/metrics`)).text(),
        'edgewatch_frames_processed_total',
      );
    const push = async (count: number) => {
      for (let index = 0; index < count; index++) {
        // At most one frame waits, so none is dropped by the cap and the worker never idles.
        while ((await queue.backlog('bench')) >= 1) await sleep(2);
        const jpeg = frames[sequence % frames.length]!;
        sequence += 1;
        await queue.add({ cameraId: 'bench', sequence, capturedAt: Date.now(), jpeg });
      }
      await waitFor(async () => (await processed()) >= sequence, {
        timeoutMs: 120_000,
        intervalMs: 20,
        what: `${sequence} frames processed`,
      });
    };

    await push(WARM_UP_FRAMES);
    await sleep(2_000);
    const rssWarm = rssBytes(pid);

    const started = performance.now();
    await push(RATIO_FRAMES);
    const workerFps = RATIO_FRAMES / ((performance.now() - started) / 1000);
    log(`Worker path: ${workerFps.toFixed(2)} frames/s; continuing to ${TOTAL_FRAMES} frames...`);

    let done = RATIO_FRAMES;
    while (done < TOTAL_FRAMES) {
      const batch = Math.min(500, TOTAL_FRAMES - done);
      await push(batch);
      done += batch;
      log(`  ${done} frames, RSS ${(rssBytes(pid) / 2 ** 20).toFixed(0)} MB`);
    }
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const rssEnd = rssBytes(pid);

    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    log('');
    log('Recognition benchmark');
    log(`  backend            ${raw.backend}`);
    log(`  live detector      ${raw.detector}; frames 640 px wide`);
    log(`  frames             ${frames.length} real clip frames, cycled`);
    log(
      `  raw loop           ${raw.fps.toFixed(2)} frames/s ` +
        `(decode + detect + describe, one thread, ${RATIO_FRAMES} frames)`,
    );
    log(`  worker path        ${workerFps.toFixed(2)} frames/s (built service, same frames)`);
    log(`  ratio              ${(workerFps / raw.fps).toFixed(2)}`);
    log(
      `  service RSS        ${mb(rssWarm)} after warm-up, ` +
        `${mb(rssEnd)} after ${TOTAL_FRAMES + WARM_UP_FRAMES} frames`,
    );
    log(
      `  live tensors       ${metricSum(metrics, 'edgewatch_live_tensors')} ` +
        `(${mb(metricSum(metrics, 'edgewatch_tensor_bytes'))})`,
    );
    log(`  recognitions       ${metricSum(metrics, 'edgewatch_recognitions_total')}`);
  } finally {
    await queue.close();
    producer.disconnect();
    members.close();
    await service.stop();
    await dynalite.stop();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    'benchmark failed: ' +
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
