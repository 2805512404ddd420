import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  ConfigError,
  loadCameraIngestConfig,
  loadFaceRecognitionConfig,
  redactConfig,
  redactText,
  redactUrl,
} from './index';

const tempDirs: string[] = [];

afterAll(() => {
  tempDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function camerasFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgewatch-config-'));
  tempDirs.push(dir);
  const path = join(dir, 'cameras.yaml');
  writeFileSync(path, yaml);
  return path;
}

const twoCameras = `
cameras:
  - id: entrance
    rtspUrl: rtsp://admin:s3cret-pass@127.0.0.1:8554/entrance
  - id: lobby
    name: Lobby
    rtspUrl: rtsp://127.0.0.1:8555/lobby
    detectFps: 2
`;

function captureConfigError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('camera-ingest config', () => {
  it('applies the documented defaults', () => {
    const config = loadCameraIngestConfig({ CAMERAS_FILE: camerasFile(twoCameras) });

    expect(config.port).toBe(7101);
    expect(
      config.cameras.map((camera) => [camera.id, camera.detectFps, camera.detectWidth]),
    ).toEqual([
      ['entrance', 5, 640],
      ['lobby', 2, 640],
    ]);
    expect(config.frames).toEqual({ capPerCamera: 2, freshnessMs: 2_000 });
    expect(config.supervisor.stallTimeoutMs).toBe(20_000);
    expect(config.supervisor.backoffInitialMs).toBe(1_000);
    expect(config.supervisor.backoffMaxMs).toBe(30_000);
    expect(config.supervisor.backoffResetAfterMs).toBe(60_000);
    expect(config.motion.heartbeatMs).toBe(10_000);
    expect(config.cameras[1]?.name).toBe('Lobby');
  });

  it('names all three bad keys in one error', () => {
    const error = captureConfigError(() =>
      loadCameraIngestConfig({
        CAMERAS_FILE: camerasFile(twoCameras),
        DETECT_FPS: 'fast',
        PORT: '70000',
        REDIS_URL: 'http://127.0.0.1:6379',
      }),
    );

    expect(error.issues.map((issue) => issue.key).sort()).toEqual([
      'DETECT_FPS',
      'PORT',
      'REDIS_URL',
    ]);
    expect(error.message).toContain('DETECT_FPS');
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('REDIS_URL');
  });

  it('reports env and cameras-file problems together', () => {
    const file = camerasFile(`
cameras:
  - id: Entrance!
    rtspUrl: http://camera/
  - id: lobby
    rtspUrl: rtsp://127.0.0.1/lobby
  - id: lobby
    rtspUrl: rtsp://127.0.0.1/lobby2
`);
    const error = captureConfigError(() =>
      loadCameraIngestConfig({ CAMERAS_FILE: file, STALL_TIMEOUT_MS: '-1' }),
    );

    expect(error.issues.map((issue) => issue.key)).toEqual([
      'STALL_TIMEOUT_MS',
      `${file}: cameras[0].id`,
      `${file}: cameras[0].rtspUrl`,
      `${file}: cameras[2].id`,
    ]);
  });

  it('refuses a misspelt camera key instead of ignoring it', () => {
    const file = camerasFile('cameras:\n  - id: lobby\n    rtspURL: rtsp://127.0.0.1/lobby\n');

    const error = captureConfigError(() => loadCameraIngestConfig({ CAMERAS_FILE: file }));

    expect(error.message).toContain('rtspURL');
    expect(error.issues.map((issue) => issue.key)).toEqual([
      `${file}: cameras[0].rtspUrl`,
      `${file}: cameras[0]`,
    ]);
  });

  it('says a number is expected when a numeric key is not one', () => {
    const error = captureConfigError(() =>
      loadCameraIngestConfig({ CAMERAS_FILE: camerasFile(twoCameras), DETECT_FPS: 'fast' }),
    );

    expect(error.issues).toEqual([{ key: 'DETECT_FPS', message: 'must be a number' }]);
  });

  it('says which cameras file cannot be read', () => {
    const error = captureConfigError(() =>
      loadCameraIngestConfig({ CAMERAS_FILE: '/nonexistent/cameras.yaml' }),
    );

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.key).toBe('CAMERAS_FILE');
    expect(error.issues[0]?.message).toContain('/nonexistent/cameras.yaml');
  });

  it('never prints a camera password when the config is logged', () => {
    const config = loadCameraIngestConfig({ CAMERAS_FILE: camerasFile(twoCameras) });

    const printed = JSON.stringify(redactConfig(config));

    expect(printed).not.toContain('s3cret-pass');
    expect(printed).toContain('rtsp://***:***@127.0.0.1:8554/entrance');
  });
});

describe('face-recognition config', () => {
  it('applies the documented defaults', () => {
    const config = loadFaceRecognitionConfig({});

    expect(config.port).toBe(7777);
    expect(config.live).toEqual({ detector: 'tiny', inputSize: 416, minScore: 0.5 });
    expect(config.recognise).toEqual({
      detector: 'ssd',
      maxBytes: 10 * 1024 * 1024,
      maxPixels: 40_000_000,
      concurrency: 2,
    });
    expect(config.minFaceHeightPx).toBe(40);
    expect(config.matchThreshold).toBe(0.5);
    expect(config.recognitionsStreamMaxLen).toBe(10_000);
  });

  it('masks the AWS secret when printed', () => {
    const config = loadFaceRecognitionConfig({
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-secret',
    });

    expect(JSON.stringify(redactConfig(config))).not.toContain('wJalrXUtnFEMI-secret');
  });
});

describe('redaction', () => {
  it('removes credentials from a URL and keeps the host and path', () => {
    expect(redactUrl('rtsp://admin:hunter22@10.0.0.5:554/Streaming/101')).toBe(
      'rtsp://***:***@10.0.0.5:554/Streaming/101',
    );
    expect(redactUrl('rtsp://10.0.0.5/live')).toBe('rtsp://10.0.0.5/live');
  });

  it('removes credentials from URLs inside ffmpeg-style text and known secrets anywhere', () => {
    const stderr =
      "Input #0, rtsp, from 'rtsp://admin:p%40ss@127.0.0.1:8554/cam':\n" +
      '[rtsp @ 0x55] method DESCRIBE failed: 401 Unauthorized (user admin, pass p@ss)';

    const redacted = redactText(stderr, ['p@ss', 'p%40ss']);

    expect(redacted).not.toContain('p@ss');
    expect(redacted).not.toContain('p%40ss');
    expect(redacted).toContain("'rtsp://***:***@127.0.0.1:8554/cam'");
  });
});
