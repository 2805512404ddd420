import { terminateChild } from './child-registry';
import { spawnService, waitUntilReady } from './child-output';
import { freePort, retryOnPortRace } from './free-port';
import { makeLoopVideo } from './loop-video';
import { toolPath } from './repo-paths';

/** Debian's Python, which has the GStreamer bindings (the python3 on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface StartRtspCameraOptions {
  /** Source clip (H.264 in .mkv or .mp4), e.g. fixturePath('video', 'faces_asl_book.mkv'). */
  file: string;
  /** Mount path. Default '/stream'. */
  path?: string;
  /** Require RTSP authentication with this user (needs `password`). */
  user?: string;
  password?: string;
  /** RTSP authentication method when `user` is set. Default 'digest'. */
  auth?: 'basic' | 'digest';
  /** How many times the clip plays in a row before the stream ends. Default: 10 minutes' worth. */
  loopCount?: number;
  /** How long to wait for the server's ready line, in milliseconds. Default 15000. */
  startTimeoutMs?: number;
}

export interface RtspCamera {
  /** rtsp://127.0.0.1:PORT/PATH, without credentials. */
  url: string;
  /** The same URL with the percent-encoded user and password, or `url` without auth. */
  urlWithCredentials: string;
  port: number;
  /** Pid of the Python RTSP server itself (tests SIGSTOP it to simulate a stalled camera). */
  pid: number;
  /** The looped file being served. */
  servedFile: string;
  /** SIGTERM, SIGKILL after 3 s. Idempotent. */
  stop(): Promise<void>;
}

const READY_LINE = /^ready (rtsp:\/\/\S+)$/m;

/**
 * A simulated IP camera: tools/rtsp-camera.py serving a looped copy of `file` over RTSP
 * on a free port of 127.0.0.1, H.264 passed through at real-time pace. Each client gets
 * its own stream from the start of the looped file.
 */
export async function startRtspCamera(options: StartRtspCameraOptions): Promise<RtspCamera> {
  if ((options.user === undefined) !== (options.password === undefined)) {
    throw new Error('startRtspCamera: user and password go together');
  }
  const servedFile = await makeLoopVideo(options.file, { loopCount: options.loopCount });

  return retryOnPortRace(() => startServerOnce(options, servedFile));
}

async function startServerOnce(
  options: StartRtspCameraOptions,
  servedFile: string,
): Promise<RtspCamera> {
  const port = await freePort();
  const path = normalisePath(options.path ?? '/stream');
  const args = [toolPath('rtsp-camera.py'), '--port', String(port), '--path', path];
  args.push('--file', servedFile);
  if (options.user !== undefined && options.password !== undefined) {
    args.push('--user', options.user, '--password', options.password);
    args.push('--auth', options.auth ?? 'digest');
  }

  const service = spawnService(SYSTEM_PYTHON, args);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminateChild(service.child);
    return stopping;
  };

  try {
    await waitUntilReady(
      service,
      `RTSP camera on port ${port} (${SYSTEM_PYTHON} tools/rtsp-camera.py)`,
      () => READY_LINE.test(service.stdoutTail()),
      options.startTimeoutMs ?? 15_000,
    );
  } catch (error: unknown) {
    await stop();
    throw error;
  }

  const url = `rtsp://127.0.0.1:${port}${path}`;
  return {
    url,
    urlWithCredentials: withCredentials(url, options.user, options.password),
    port,
    pid: service.pid,
    servedFile,
    stop,
  };
}

function normalisePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function withCredentials(url: string, user?: string, password?: string): string {
  if (user === undefined || password === undefined) return url;
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}@`;
  return url.replace('rtsp://', `rtsp://${credentials}`);
}
