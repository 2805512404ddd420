export { trackedChildPids } from './lib/child-registry';
export { startDynalite } from './lib/dynalite';
export type { DynaliteServer, StartDynaliteOptions } from './lib/dynalite';
export { freePort, portAccepts } from './lib/free-port';
export {
  DEFAULT_LOOPED_SECONDS,
  SIMULATOR_CACHE_DIR,
  makeLoopVideo,
  mediaDurationSeconds,
} from './lib/loop-video';
export type { LoopVideoOptions } from './lib/loop-video';
export { parseStat, readProcess, readProcesses, watchProcesses } from './lib/process-watcher';
export type {
  ProcInfo,
  ProcessWatcher,
  WatchProcessesOptions,
  ZombieSighting,
} from './lib/process-watcher';
export { redisAnswersPing, startRedis } from './lib/redis';
export type { RedisServer, StartRedisOptions } from './lib/redis';
export { fixturePath, repoRoot, toolPath } from './lib/repo-paths';
export { SYSTEM_PYTHON, startRtspCamera } from './lib/rtsp-camera';
export type { RtspCamera, StartRtspCameraOptions } from './lib/rtsp-camera';
export { sleep, waitFor } from './lib/wait-for';
export type { WaitForOptions } from './lib/wait-for';
