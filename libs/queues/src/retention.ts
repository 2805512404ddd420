import type { DefaultJobOptions } from 'bullmq';

/**
 * BullMQ keeps finished jobs and ~10,000 events per queue forever unless told otherwise.
 * These are the stack's bounds.
 */
export const FINISHED_JOB_RETENTION = {
  /** Expendable jobs leave no trace once done. */
  expendable: { removeOnComplete: true, removeOnFail: { count: 50, age: 3_600 } },
  /** Durable work keeps a short, bounded history for inspection. */
  durable: {
    removeOnComplete: { count: 100, age: 86_400 },
    removeOnFail: { count: 1_000, age: 7 * 86_400 },
  },
} as const satisfies Record<string, DefaultJobOptions>;

/** Length of every queue's BullMQ event stream. */
export const QUEUE_EVENTS_MAX_LEN = 200;
