import { z } from 'zod';

import { ConfigError, ConfigIssue, issuesFromZod } from './config-error';
import { readCamerasFile } from './cameras.schema';
import { CommonConfig, commonConfigFrom, commonEnvShape } from './common.schema';
import { intField, numberField, stringField } from './env-fields';
import { Env } from './parse-env';

const cameraIngestEnvShape = {
  ...commonEnvShape,
  /** HTTP port for health and metrics. */
  PORT: intField(7101, { min: 1, max: 65535 }),
  /** YAML file listing the cameras (see README). */
  CAMERAS_FILE: stringField('cameras.yaml'),
  /** The ffmpeg binary. */
  FFMPEG_PATH: stringField('ffmpeg'),
  /** Detect frames per second taken from each camera. */
  DETECT_FPS: numberField(5, { min: 0.1, max: 30 }),
  /** Width of detect frames in pixels; height follows the aspect ratio. */
  DETECT_WIDTH: intField(640, { min: 64, max: 3840 }),
  /** ffmpeg MJPEG quality, 2 (best) to 31. */
  DETECT_JPEG_QUALITY: intField(5, { min: 2, max: 31 }),
  /** Frames waiting per camera; past it the oldest is dropped and counted. */
  FRAMES_PER_CAMERA_CAP: intField(2, { min: 1, max: 50 }),
  /** A frame older than this when picked up is skipped, in ms. */
  FRAME_FRESHNESS_MS: intField(2_000, { min: 100 }),
  /** No frame for this long means the camera's ffmpeg is restarted, in ms. */
  STALL_TIMEOUT_MS: intField(20_000, { min: 500 }),
  /** First restart delay, in ms; it doubles up to BACKOFF_MAX_MS. */
  BACKOFF_INITIAL_MS: intField(1_000, { min: 10 }),
  /** Largest restart delay, in ms. */
  BACKOFF_MAX_MS: intField(30_000, { min: 10 }),
  /** Frames flowing for this long reset the restart delay to its first value, in ms. */
  BACKOFF_RESET_AFTER_MS: intField(60_000, { min: 100 }),
  /** A frame rate above DETECT_FPS times this factor ... */
  OVERSPEED_FACTOR: numberField(2, { min: 1.1 }),
  /** ... held for this long restarts ffmpeg, in ms. */
  OVERSPEED_WINDOW_MS: intField(10_000, { min: 500 }),
  /** RTSP socket I/O timeout passed to ffmpeg, in ms. */
  RTSP_TIMEOUT_MS: intField(10_000, { min: 500 }),
  /** How long ffmpeg gets to exit after SIGTERM before SIGKILL, in ms. */
  FFMPEG_STOP_GRACE_MS: intField(2_000, { min: 50 }),
  /** A still scene still sends one frame this often, in ms. */
  MOTION_HEARTBEAT_MS: intField(10_000, { min: 100 }),
  /** Mean absolute grey-level change (0-255) of the tiny copy that counts as motion. */
  MOTION_THRESHOLD: numberField(1, { min: 0, max: 255 }),
  /** Log lines about one failing camera are limited to one per this many ms. */
  CAMERA_LOG_INTERVAL_MS: intField(30_000, { min: 0 }),
};

export interface CameraConfig {
  id: string;
  name: string;
  /** May contain credentials: print it only through `redactUrl`. */
  rtspUrl: string;
  detectFps: number;
  detectWidth: number;
}

export interface CameraIngestConfig extends CommonConfig {
  port: number;
  camerasFile: string;
  cameras: CameraConfig[];
  ffmpegPath: string;
  detect: { jpegQuality: number };
  frames: { capPerCamera: number; freshnessMs: number };
  supervisor: {
    stallTimeoutMs: number;
    backoffInitialMs: number;
    backoffMaxMs: number;
    backoffResetAfterMs: number;
    overspeedFactor: number;
    overspeedWindowMs: number;
    rtspTimeoutMs: number;
    stopGraceMs: number;
    logIntervalMs: number;
  };
  motion: { heartbeatMs: number; threshold: number };
}

/** Validates camera-ingest's environment and cameras file; every bad key in one ConfigError. */
export function loadCameraIngestConfig(env: Env): CameraIngestConfig {
  const parsed = z.object(cameraIngestEnvShape).safeParse(env);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : issuesFromZod(parsed.error, (path) => String(path[0]));

  const camerasFile = parsed.success
    ? parsed.data.CAMERAS_FILE
    : (env['CAMERAS_FILE'] ?? 'cameras.yaml');
  const cameras = readCamerasFile(camerasFile || 'cameras.yaml');
  issues.push(...cameras.issues);

  if (!parsed.success || issues.length > 0) {
    throw new ConfigError('camera-ingest', issues);
  }

  const e = parsed.data;
  if (e.BACKOFF_MAX_MS < e.BACKOFF_INITIAL_MS) {
    throw new ConfigError('camera-ingest', [
      { key: 'BACKOFF_MAX_MS', message: 'must not be below BACKOFF_INITIAL_MS' },
    ]);
  }

  return {
    ...commonConfigFrom(e),
    port: e.PORT,
    camerasFile,
    cameras: cameras.cameras.map((camera) => ({
      id: camera.id,
      name: camera.name ?? camera.id,
      rtspUrl: camera.rtspUrl,
      detectFps: camera.detectFps ?? e.DETECT_FPS,
      detectWidth: camera.detectWidth ?? e.DETECT_WIDTH,
    })),
    ffmpegPath: e.FFMPEG_PATH,
    detect: { jpegQuality: e.DETECT_JPEG_QUALITY },
    frames: { capPerCamera: e.FRAMES_PER_CAMERA_CAP, freshnessMs: e.FRAME_FRESHNESS_MS },
    supervisor: {
      stallTimeoutMs: e.STALL_TIMEOUT_MS,
      backoffInitialMs: e.BACKOFF_INITIAL_MS,
      backoffMaxMs: e.BACKOFF_MAX_MS,
      backoffResetAfterMs: e.BACKOFF_RESET_AFTER_MS,
      overspeedFactor: e.OVERSPEED_FACTOR,
      overspeedWindowMs: e.OVERSPEED_WINDOW_MS,
      rtspTimeoutMs: e.RTSP_TIMEOUT_MS,
      stopGraceMs: e.FFMPEG_STOP_GRACE_MS,
      logIntervalMs: e.CAMERA_LOG_INTERVAL_MS,
    },
    motion: { heartbeatMs: e.MOTION_HEARTBEAT_MS, threshold: e.MOTION_THRESHOLD },
  };
}
