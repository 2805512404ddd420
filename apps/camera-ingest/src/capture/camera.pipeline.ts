import {
  redactText,
  secretsOfUrl,
  type CameraConfig,
  type CameraIngestConfig,
} from '@edgewatch/config';
import { LogRateLimiter, type Logger } from '@edgewatch/telemetry';

import { MotionGate } from '../motion/motion.gate';
import { FramePublisher, type FrameSink } from '../publish/frame.publisher';
import { NewestWinsSlot } from '../publish/newest-wins.slot';
import type { CameraMetrics } from './camera.metrics';
import { buildFfmpegArgs } from './ffmpeg-args.builder';
import { FfmpegSupervisor } from './ffmpeg.supervisor';

/** Largest detect frame kept, in bytes; a 640-px MJPEG frame is tens of KB. */
export const MAX_FRAME_BYTES = 5 * 1024 * 1024;

interface IncomingFrame {
  jpeg: Buffer;
  capturedAt: number;
  sequence: number;
}

/**
 * One camera from ffmpeg to the frames queue: supervisor → motion gate → publisher. Each
 * stage holds at most one frame in progress and one waiting, so a slow stage drops (and
 * counts) frames instead of queueing them. Nothing here is shared with another camera.
 *
 * Accounting, per camera: frames in = sent + skipped by motion + dropped (busy, redis,
 * corrupt); frames pushed out of the queue by its cap are counted as dropped (cap) on top
 * of having been sent. Oversize frames are dropped before they count as in.
 */
export class CameraPipeline {
  readonly supervisor: FfmpegSupervisor;
  private readonly motionGate: MotionGate;
  private readonly motionSlot: NewestWinsSlot<IncomingFrame>;
  private readonly publisher: FramePublisher;
  private readonly logger: Logger;
  private readonly logLimiter: LogRateLimiter;
  private nextSequence = 1;
  private closing: Promise<void> | undefined;

  constructor(
    readonly camera: CameraConfig,
    config: CameraIngestConfig,
    sink: FrameSink,
    private readonly metrics: CameraMetrics,
    rootLogger: Logger,
  ) {
    const cameraId = camera.id;
    this.logger = rootLogger.child({ context: CameraPipeline.name, cameraId });
    this.logLimiter = new LogRateLimiter(config.supervisor.logIntervalMs);
    this.motionGate = new MotionGate(config.motion);
    this.motionSlot = new NewestWinsSlot<IncomingFrame>({
      handle: (frame) => this.gate(frame),
      onReplaced: () => metrics.framesDropped(cameraId, 'busy'),
      onError: (error) => this.onUndecodable(error),
    });
    this.publisher = new FramePublisher(
      { cameraId, logIntervalMs: config.supervisor.logIntervalMs },
      sink,
      {
        onSent: (frame) => metrics.frameSent(cameraId, frame.heartbeat),
        onDropped: (reason, count) => metrics.framesDropped(cameraId, reason, count),
      },
      rootLogger,
    );
    this.supervisor = createSupervisor(camera, config, rootLogger, {
      onFrame: (jpeg, readAt) => this.onFrame(jpeg, readAt),
      onOversizeFrame: () => metrics.framesDropped(cameraId, 'oversize'),
      onFfmpegRunning: (running) => metrics.ffmpegRunning(cameraId, running),
      onRestartScheduled: (restart) => metrics.restarted(cameraId, restart.reason, restart.delayMs),
    });
    metrics.registerCamera(cameraId, () => this.supervisor.lastFrameAt);
  }

  /** Frames this camera holds in memory between ffmpeg and Redis (at most 4). */
  get framesHeld(): number {
    return this.motionSlot.held + this.publisher.held;
  }

  start(): void {
    this.supervisor.start();
  }

  /** Stops ffmpeg and waits for the frame in progress. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  private async closeAll(): Promise<void> {
    const results = await Promise.allSettled([
      this.supervisor.close(),
      this.motionSlot.close(),
      this.publisher.close(),
    ]);
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.error({ err: result.reason }, 'camera pipeline did not close cleanly');
      }
    }
  }

  private onFrame(jpeg: Buffer, capturedAt: number): void {
    this.metrics.frameIn(this.camera.id);
    this.motionSlot.offer({ jpeg, capturedAt, sequence: this.nextSequence++ });
  }

  private async gate(frame: IncomingFrame): Promise<void> {
    const decision = await this.motionGate.decide(frame.jpeg, frame.capturedAt);
    if (decision.verdict === 'still') {
      this.metrics.frameSkippedByMotion(this.camera.id);
      return;
    }
    this.publisher.publish({
      cameraId: this.camera.id,
      sequence: frame.sequence,
      capturedAt: frame.capturedAt,
      jpeg: frame.jpeg,
      heartbeat: decision.verdict === 'heartbeat',
    });
  }

  private onUndecodable(error: unknown): void {
    this.metrics.framesDropped(this.camera.id, 'corrupt');
    const suppressed = this.logLimiter.take('corrupt');
    if (suppressed === null) return;
    this.logger.warn(
      {
        reason: error instanceof Error ? error.message : String(error),
        suppressedSinceLastLine: suppressed,
      },
      'frame dropped: not a decodable JPEG',
    );
  }
}

function createSupervisor(
  camera: CameraConfig,
  config: CameraIngestConfig,
  rootLogger: Logger,
  events: ConstructorParameters<typeof FfmpegSupervisor>[1],
): FfmpegSupervisor {
  const secrets = secretsOfUrl(camera.rtspUrl);
  const args = buildFfmpegArgs(
    { url: camera.rtspUrl, timeoutMs: config.supervisor.rtspTimeoutMs },
    [
      {
        kind: 'detect-frames',
        fps: camera.detectFps,
        width: camera.detectWidth,
        jpegQuality: config.detect.jpegQuality,
      },
    ],
  );
  const { supervisor } = config;
  return new FfmpegSupervisor(
    {
      cameraId: camera.id,
      ffmpegPath: config.ffmpegPath,
      args,
      redact: (text) => redactText(text, secrets),
      stallTimeoutMs: supervisor.stallTimeoutMs,
      stopGraceMs: supervisor.stopGraceMs,
      logIntervalMs: supervisor.logIntervalMs,
      maxFrameBytes: MAX_FRAME_BYTES,
      backoff: {
        initialMs: supervisor.backoffInitialMs,
        maxMs: supervisor.backoffMaxMs,
        resetAfterMs: supervisor.backoffResetAfterMs,
      },
      overspeed: {
        detectFps: camera.detectFps,
        factor: supervisor.overspeedFactor,
        windowMs: supervisor.overspeedWindowMs,
      },
    },
    events,
    rootLogger,
  );
}
