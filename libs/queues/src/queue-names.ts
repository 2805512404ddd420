/** BullMQ queues of the stack. Producer and consumer import the names from here only. */
export const QueueName = {
  /** Token jobs, one per camera with frames waiting; the frame bytes live in the frame store. */
  frames: 'frames',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Job names inside the queues. */
export const JobName = {
  framesWaiting: 'frames-waiting',
} as const;

/** Redis streams of the stack. */
export const StreamName = {
  /** The live feed of recognitions; capped, the oldest entries trimmed. */
  recognitions: 'recognitions',
} as const;
