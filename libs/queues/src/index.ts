export { FrameQueue, framesQueueOptions, type FrameQueueOptions } from './frame-queue';
export { FrameStore, type FrameStoreOptions, type PutFrameResult } from './frame-store';
export type { FramesWaitingJob, RecognitionEvent, StoredFrame } from './payloads';
export { JobName, QueueName, StreamName } from './queue-names';
export { RecognitionStream, recognitionStreamKey } from './recognition-stream';
export {
  createRedisConnection,
  safeRedisUrl,
  waitForRedis,
  type RedisConnectionOptions,
  type RedisRole,
} from './redis-connection';
export {
  RedisReachability,
  type RedisProblem,
  type RedisReachabilityOptions,
  type RedisReachabilityState,
} from './redis-reachability';
export { FINISHED_JOB_RETENTION, QUEUE_EVENTS_MAX_LEN } from './retention';
