import type { PutFrameResult, StoredFrame } from '@edgewatch/queues';
import { LogRateLimiter, type Logger } from '@edgewatch/telemetry';

import type { FrameDropReason } from '../capture/camera.metrics';
import { NewestWinsSlot } from './newest-wins.slot';

/** Where frames go: the capped FrameQueue add, or a fake in unit tests. */
export interface FrameSink {
  add(frame: StoredFrame): Promise<PutFrameResult>;
}

/** What became of frames handed to the publisher, for metrics. */
export interface FramePublisherEvents {
  onSent(frame: OutgoingFrame): void;
  onDropped(reason: FrameDropReason, count: number): void;
}

/** A frame the motion gate let through; `heartbeat` when only the heartbeat sent it. */
export interface OutgoingFrame extends StoredFrame {
  heartbeat: boolean;
}

export interface FramePublisherOptions {
  cameraId: string;
  /** One log line about a failing Redis per this many ms. */
  logIntervalMs: number;
}

/**
 * Sends one camera's frames to the frames queue with at most one add in flight; a frame
 * that arrives meanwhile waits, replacing (and dropping) any older one waiting. A failed
 * add is a dropped frame, never a retry: frames are expendable and Redis may be away.
 */
export class FramePublisher {
  private readonly slot: NewestWinsSlot<OutgoingFrame>;
  private readonly logger: Logger;
  private readonly logLimiter: LogRateLimiter;

  constructor(
    options: FramePublisherOptions,
    private readonly sink: FrameSink,
    private readonly events: FramePublisherEvents,
    rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: FramePublisher.name, cameraId: options.cameraId });
    this.logLimiter = new LogRateLimiter(options.logIntervalMs);
    this.slot = new NewestWinsSlot<OutgoingFrame>({
      handle: (frame) => this.send(frame),
      onReplaced: () => this.events.onDropped('busy', 1),
      onError: (error) => this.onAddFailed(error),
    });
  }

  /** Frames held in memory by this publisher (at most 2). */
  get held(): number {
    return this.slot.held;
  }

  publish(frame: OutgoingFrame): void {
    this.slot.offer(frame);
  }

  /** Drops a waiting frame and waits for the add in flight. Idempotent. */
  close(): Promise<void> {
    return this.slot.close();
  }

  private async send(frame: OutgoingFrame): Promise<void> {
    const result = await this.sink.add({
      cameraId: frame.cameraId,
      sequence: frame.sequence,
      capturedAt: frame.capturedAt,
      jpeg: frame.jpeg,
    });
    this.events.onSent(frame);
    this.events.onDropped('cap', result.droppedSequences.length);
  }

  private onAddFailed(error: unknown): void {
    this.events.onDropped('redis', 1);
    const suppressed = this.logLimiter.take('add-failed');
    if (suppressed === null) return;
    this.logger.warn(
      {
        reason: error instanceof Error ? error.message : String(error),
        suppressedSinceLastLine: suppressed,
      },
      'frame dropped: the frames queue refused it',
    );
  }
}
