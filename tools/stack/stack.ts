import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { recognitionStreamKey } from '@edgewatch/queues';
import {
  freePort,
  repoRoot,
  startDynalite,
  startRedis,
  startRtspCamera,
  type DynaliteServer,
  type RedisServer,
  type RtspCamera,
} from '@edgewatch/testing';

import { MembersAdmin } from './members-admin';
import { RecognitionFeed } from './recognition-feed';
import { ServiceProcess } from './service-process';

export interface SimulatedCamera {
  id: string;
  name: string;
  /** The clip the simulated camera plays on loop. */
  file: string;
  /** RTSP credentials the camera demands (and that must never reach a log). */
  user?: string;
  password?: string;
}

export interface StackOptions {
  cameras: readonly SimulatedCamera[];
  /** Extra environment for both services (shorter timings in tests, say). */
  env?: Record<string, string>;
  /** Called with each output line of the services. */
  onServiceLine?: (service: string, line: string) => void;
  /** Called as each piece comes up. */
  onProgress?: (message: string) => void;
}

export interface Stack {
  redis: RedisServer;
  dynalite: DynaliteServer;
  cameras: RtspCamera[];
  cameraIngest: ServiceProcess;
  faceRecognition: ServiceProcess;
  members: MembersAdmin;
  /** The folder with the cameras file and each service's log. */
  workDir: string;
  redisPrefix: string;
  membersTable: string;
  feed(): RecognitionFeed;
  stop(): Promise<void>;
}

/** Builds both apps (Nx's cache makes this instant when nothing changed). */
export function buildApps(): void {
  execFileSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', 'camera-ingest', 'face-recognition'],
    {
      cwd: repoRoot(),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/**
 * The whole local stack on loopback: a private Redis, dynalite, simulated RTSP cameras
 * playing real clips, and both services run from their builds, each on a free port.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const progress = options.onProgress ?? (() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), 'edgewatch-stack-'));
  const redisPrefix = `edgewatch-${Date.now().toString(36)}`;
  const membersTable = 'members';
  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  };

  try {
    const redis = await startRedis();
    stoppers.push(() => redis.stop());
    progress(`Redis ${redis.url}`);

    const dynalite = await startDynalite();
    stoppers.push(() => dynalite.stop());
    progress(`dynalite (DynamoDB API) ${dynalite.endpoint}`);

    const cameras: RtspCamera[] = [];
    for (const camera of options.cameras) {
      const server = await startRtspCamera({
        file: camera.file,
        path: `/${camera.id}`,
        user: camera.user,
        password: camera.password,
      });
      stoppers.push(() => server.stop());
      cameras.push(server);
      progress(`camera ${camera.id}: ${server.url} playing ${camera.file.split('/').pop()}`);
    }
    const camerasFile = join(workDir, 'cameras.yaml');
    writeFileSync(camerasFile, camerasYaml(options.cameras, cameras), { mode: 0o600 });
    // It holds the camera passwords; the logs beside it stay for the operator to read.
    stoppers.push(async () => rmSync(camerasFile, { force: true }));

    const shared = {
      // The images run Node 22; on a Node 20 machine the AWS SDK's notice about its future
      // releases would otherwise break the JSON log lines of every run.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      REDIS_URL: redis.url,
      REDIS_PREFIX: redisPrefix,
      LOG_FORMAT: 'json',
      ...options.env,
    };
    const [ingestPort, recognitionPort] = [await freePort(), await freePort()];
    const faceRecognition = new ServiceProcess({
      app: 'face-recognition',
      port: recognitionPort,
      logFile: join(workDir, 'face-recognition.log'),
      onLine: (line) => options.onServiceLine?.('face-recognition', line),
      env: {
        ...shared,
        PORT: String(recognitionPort),
        DYNAMODB_ENDPOINT: dynalite.endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        MEMBERS_TABLE: membersTable,
        ...options.env,
      },
    });
    const cameraIngest = new ServiceProcess({
      app: 'camera-ingest',
      port: ingestPort,
      logFile: join(workDir, 'camera-ingest.log'),
      onLine: (line) => options.onServiceLine?.('camera-ingest', line),
      env: { ...shared, PORT: String(ingestPort), CAMERAS_FILE: camerasFile, ...options.env },
    });

    const members = new MembersAdmin(
      dynalite.endpoint,
      membersTable,
      `${faceRecognition.baseUrl}/recognise`,
    );
    await members.ensureTable();
    stoppers.push(async () => members.close());

    faceRecognition.start();
    stoppers.push(() => faceRecognition.stop());
    await faceRecognition.waitHealthy('/health/ready', 120_000);
    progress(`face-recognition ready on ${faceRecognition.baseUrl}`);

    cameraIngest.start();
    stoppers.push(() => cameraIngest.stop());
    await cameraIngest.waitHealthy('/health/live', 30_000);
    progress(`camera-ingest up on ${cameraIngest.baseUrl}`);

    const feeds: RecognitionFeed[] = [];
    stoppers.push(async () => feeds.forEach((feed) => feed.stop()));

    return {
      redis,
      dynalite,
      cameras,
      cameraIngest,
      faceRecognition,
      members,
      workDir,
      redisPrefix,
      membersTable,
      feed: () => {
        const feed = new RecognitionFeed(redis.url, recognitionStreamKey(redisPrefix));
        feeds.push(feed);
        return feed;
      },
      stop: stopAll,
    };
  } catch (error: unknown) {
    await stopAll();
    throw error;
  }
}

function camerasYaml(cameras: readonly SimulatedCamera[], servers: readonly RtspCamera[]): string {
  const entries = cameras.map((camera, index) => {
    const server = servers[index];
    const url = camera.user ? server?.urlWithCredentials : server?.url;
    return (
      `  - id: ${camera.id}\n` +
      `    name: ${JSON.stringify(camera.name)}\n` +
      `    rtspUrl: ${JSON.stringify(url)}\n`
    );
  });
  return `cameras:\n${entries.join('')}`;
}
