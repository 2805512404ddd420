import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import { FrameStore, PutFrameResult } from './frame-store';
import type { FramesWaitingJob, StoredFrame } from './payloads';
import { JobName, QueueName } from './queue-names';
import { FINISHED_JOB_RETENTION, QUEUE_EVENTS_MAX_LEN } from './retention';

export interface FrameQueueOptions {
  /** Key prefix of the stack (REDIS_PREFIX). */
  prefix: string;
  /** Frames waiting per camera (FRAMES_PER_CAMERA_CAP). */
  capPerCamera: number;
  /** Waiting frames of a camera expire this long after its last frame, in ms. */
  frameTtlMs: number;
  /**
   * Errors the BullMQ queue emits. The producer connection already reports connection
   * errors through its own `onError`; without a listener here BullMQ prints each of them
   * with console.error, unstructured, on every reconnect attempt.
   */
  onError?: (error: Error) => void;
}

/** BullMQ queue options for `frames`, shared by producer and consumer. */
export function framesQueueOptions(prefix: string) {
  return {
    prefix,
    defaultJobOptions: { ...FINISHED_JOB_RETENTION.expendable, attempts: 1 },
    streams: { events: { maxLen: QUEUE_EVENTS_MAX_LEN } },
  };
}

/**
 * The one way to add a detect frame. The bytes go to the capped frame store; the
 * queue holds one token job per camera (BullMQ deduplication by camera id, keeping one
 * follow-up while a token is being processed), so neither side can grow with the frame rate.
 */
export class FrameQueue {
  private readonly store: FrameStore;
  private readonly queue: Queue<FramesWaitingJob>;

  constructor(producerConnection: Redis, options: FrameQueueOptions) {
    this.store = new FrameStore(producerConnection, {
      prefix: options.prefix,
      capPerCamera: options.capPerCamera,
      ttlMs: options.frameTtlMs,
    });
    this.queue = new Queue<FramesWaitingJob>(QueueName.frames, {
      connection: producerConnection,
      ...framesQueueOptions(options.prefix),
    });
    this.queue.on('error', (error: Error) => options.onError?.(error));
  }

  /** Stores the frame and makes sure a token for its camera waits. */
  async add(frame: StoredFrame): Promise<PutFrameResult> {
    const result = await this.store.put(frame);

    if (result.accepted) {
      await this.queue.add(
        JobName.framesWaiting,
        { cameraId: frame.cameraId },
        { deduplication: { id: `camera:${frame.cameraId}`, keepLastIfActive: true } },
      );
    }
    return result;
  }

  backlog(cameraId: string): Promise<number> {
    return this.store.backlog(cameraId);
  }

  waitingSequences(cameraId: string): Promise<number[]> {
    return this.store.waitingSequences(cameraId);
  }

  /** Closes the queue; the connection belongs to the caller. */
  async close(): Promise<void> {
    await this.queue.close();
  }
}
