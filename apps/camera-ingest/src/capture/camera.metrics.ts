import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@edgewatch/telemetry';
import { Counter, Gauge, Registry } from 'prom-client';

/** Why a frame read from ffmpeg did not reach (or did not stay in) the frames queue. */
export type FrameDropReason = 'cap' | 'redis' | 'busy' | 'oversize' | 'corrupt';
/** Why a camera's ffmpeg was restarted. */
export type RestartReason = 'exit' | 'stall' | 'overspeed' | 'spawn_error';

const DROP_REASONS: readonly FrameDropReason[] = ['cap', 'redis', 'busy', 'oversize', 'corrupt'];
const RESTART_REASONS: readonly RestartReason[] = ['exit', 'stall', 'overspeed', 'spawn_error'];

/**
 * The per-camera Prometheus metrics. Every camera's series exist from start-up with zero
 * values, so a dashboard (and a test) can tell "nothing happened" from "never wired".
 */
@Injectable()
export class CameraMetrics {
  private readonly framesIn: Counter<'camera'>;
  private readonly framesSent: Counter<'camera'>;
  private readonly heartbeatFrames: Counter<'camera'>;
  private readonly skippedMotion: Counter<'camera'>;
  private readonly dropped: Counter<'camera' | 'reason'>;
  private readonly restarts: Counter<'camera' | 'reason'>;
  private readonly stalls: Counter<'camera'>;
  private readonly ffmpegUp: Gauge<'camera'>;
  private readonly restartDelay: Gauge<'camera'>;
  /** Bounded by the cameras file: one entry per configured camera. */
  private readonly lastFrameAt = new Map<string, () => number | null>();
  private readonly startedAt = Date.now();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.framesIn = new Counter({
      name: 'edgewatch_camera_frames_in_total',
      help: 'Whole JPEG frames read from the camera ffmpeg.',
      labelNames: ['camera'],
      registers,
    });
    this.framesSent = new Counter({
      name: 'edgewatch_camera_frames_sent_total',
      help: 'Frames stored in the frames queue (motion or heartbeat).',
      labelNames: ['camera'],
      registers,
    });
    this.heartbeatFrames = new Counter({
      name: 'edgewatch_camera_frames_heartbeat_total',
      help: 'Frames sent without motion because the heartbeat interval had passed.',
      labelNames: ['camera'],
      registers,
    });
    this.skippedMotion = new Counter({
      name: 'edgewatch_camera_frames_skipped_motion_total',
      help: 'Frames not sent because the scene had not changed.',
      labelNames: ['camera'],
      registers,
    });
    this.dropped = new Counter({
      name: 'edgewatch_camera_frames_dropped_total',
      help:
        'Frames dropped: cap (pushed out of the frames queue), redis (unreachable), ' +
        'busy (a newer frame replaced it while the previous one was in progress), ' +
        'oversize, corrupt (not decodable).',
      labelNames: ['camera', 'reason'],
      registers,
    });
    this.restarts = new Counter({
      name: 'edgewatch_camera_restarts_total',
      help: 'Restarts of the camera ffmpeg by reason.',
      labelNames: ['camera', 'reason'],
      registers,
    });
    this.stalls = new Counter({
      name: 'edgewatch_camera_stalls_total',
      help: 'Times the camera ffmpeg delivered no frame for the stall timeout.',
      labelNames: ['camera'],
      registers,
    });
    this.ffmpegUp = new Gauge({
      name: 'edgewatch_camera_ffmpeg_up',
      help: '1 while the camera ffmpeg process is running, else 0.',
      labelNames: ['camera'],
      registers,
    });
    this.restartDelay = new Gauge({
      name: 'edgewatch_camera_restart_delay_seconds',
      help: 'Backoff delay used before the latest restart of the camera ffmpeg.',
      labelNames: ['camera'],
      registers,
    });

    const lastFrameAt = this.lastFrameAt;
    const startedAt = this.startedAt;
    new Gauge({
      name: 'edgewatch_camera_last_frame_age_seconds',
      help: 'Seconds since the camera last delivered a frame (since start-up while it never has).',
      labelNames: ['camera'],
      registers,
      collect() {
        const now = Date.now();
        for (const [camera, readLastFrameAt] of lastFrameAt) {
          this.set({ camera }, (now - (readLastFrameAt() ?? startedAt)) / 1_000);
        }
      },
    });
  }

  /** Creates the camera's series at zero and ties the frame-age gauge to its clock. */
  registerCamera(camera: string, lastFrameAt: () => number | null): void {
    this.lastFrameAt.set(camera, lastFrameAt);
    for (const counter of [
      this.framesIn,
      this.framesSent,
      this.heartbeatFrames,
      this.skippedMotion,
      this.stalls,
    ]) {
      counter.inc({ camera }, 0);
    }
    for (const reason of DROP_REASONS) this.dropped.inc({ camera, reason }, 0);
    for (const reason of RESTART_REASONS) this.restarts.inc({ camera, reason }, 0);
    this.ffmpegUp.set({ camera }, 0);
    this.restartDelay.set({ camera }, 0);
  }

  frameIn(camera: string): void {
    this.framesIn.inc({ camera });
  }

  frameSent(camera: string, heartbeat: boolean): void {
    this.framesSent.inc({ camera });
    if (heartbeat) this.heartbeatFrames.inc({ camera });
  }

  frameSkippedByMotion(camera: string): void {
    this.skippedMotion.inc({ camera });
  }

  framesDropped(camera: string, reason: FrameDropReason, count = 1): void {
    if (count > 0) this.dropped.inc({ camera, reason }, count);
  }

  restarted(camera: string, reason: RestartReason, delayMs: number): void {
    this.restarts.inc({ camera, reason });
    this.restartDelay.set({ camera }, delayMs / 1_000);
    if (reason === 'stall') this.stalls.inc({ camera });
  }

  ffmpegRunning(camera: string, up: boolean): void {
    this.ffmpegUp.set({ camera }, up ? 1 : 0);
  }
}
