import type { Redis } from 'ioredis';

import type { StoredFrame } from './payloads';

/*
 * Per camera: a sorted set orders waiting frames by capture time, a hash holds their bytes.
 * Both are written by one Lua script, so the cap holds even with many producers at once.
 */
const PUT_FRAME = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local dropped = {}
if excess > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], excess)
  for i = 1, #popped, 2 do
    redis.call('HDEL', KEYS[2], popped[i])
    dropped[#dropped + 1] = popped[i]
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return dropped
`;

const TAKE_OLDEST_FRAME = `
local popped = redis.call('ZPOPMIN', KEYS[1], 1)
if #popped == 0 then return nil end
local bytes = redis.call('HGET', KEYS[2], popped[1])
redis.call('HDEL', KEYS[2], popped[1])
if not bytes then return nil end
return {popped[1], bytes}
`;

interface FrameStoreCommands {
  edgewatchPutFrame(
    orderKey: string,
    bytesKey: string,
    score: number,
    member: string,
    jpeg: Buffer,
    cap: number,
    ttlMs: number,
  ): Promise<string[]>;
  edgewatchTakeOldestFrameBuffer(
    orderKey: string,
    bytesKey: string,
  ): Promise<[Buffer, Buffer] | null>;
}

export interface PutFrameResult {
  /** False when the new frame was itself the oldest and was dropped at once. */
  accepted: boolean;
  /** Sequence numbers of the frames dropped to keep the cap, the new one included if dropped. */
  droppedSequences: number[];
}

export interface FrameStoreOptions {
  /** Key prefix, shared with the BullMQ queues of the same stack. */
  prefix: string;
  /** Frames waiting per camera. */
  capPerCamera: number;
  /** A camera's waiting frames expire this long after its last put, in ms. */
  ttlMs: number;
}

/** The bounded store of detect frames waiting for face recognition. */
export class FrameStore {
  private readonly redis: Redis & FrameStoreCommands;

  constructor(
    redis: Redis,
    private readonly options: FrameStoreOptions,
  ) {
    if (!(redis as Partial<FrameStoreCommands>).edgewatchPutFrame) {
      redis.defineCommand('edgewatchPutFrame', { numberOfKeys: 2, lua: PUT_FRAME });
      redis.defineCommand('edgewatchTakeOldestFrame', { numberOfKeys: 2, lua: TAKE_OLDEST_FRAME });
    }
    this.redis = redis as Redis & FrameStoreCommands;
  }

  get capPerCamera(): number {
    return this.options.capPerCamera;
  }

  /** Stores a frame; when the camera has more than the cap waiting, the oldest go. */
  async put(frame: StoredFrame): Promise<PutFrameResult> {
    const member = frameMember(frame.capturedAt, frame.sequence);
    const dropped = await this.redis.edgewatchPutFrame(
      this.orderKey(frame.cameraId),
      this.bytesKey(frame.cameraId),
      frame.capturedAt,
      member,
      frame.jpeg,
      this.options.capPerCamera,
      this.options.ttlMs,
    );
    return {
      accepted: !dropped.includes(member),
      droppedSequences: dropped.map((entry) => parseFrameMember(entry).sequence),
    };
  }

  /** Removes and returns the camera's oldest waiting frame, or null when none waits. */
  async takeOldest(cameraId: string): Promise<StoredFrame | null> {
    const reply = await this.redis.edgewatchTakeOldestFrameBuffer(
      this.orderKey(cameraId),
      this.bytesKey(cameraId),
    );
    if (!reply) return null;

    const [member, jpeg] = reply;
    const { capturedAt, sequence } = parseFrameMember(member.toString());
    return { cameraId, capturedAt, sequence, jpeg };
  }

  /** Frames waiting for a camera. */
  async backlog(cameraId: string): Promise<number> {
    return this.redis.zcard(this.orderKey(cameraId));
  }

  /** Sequence numbers of the frames waiting for a camera, oldest first. */
  async waitingSequences(cameraId: string): Promise<number[]> {
    const members = await this.redis.zrange(this.orderKey(cameraId), 0, -1);
    return members.map((member) => parseFrameMember(member).sequence);
  }

  private orderKey(cameraId: string): string {
    return `${this.options.prefix}:frame-store:{${cameraId}}:order`;
  }

  private bytesKey(cameraId: string): string {
    return `${this.options.prefix}:frame-store:{${cameraId}}:bytes`;
  }
}

/** Zero-padded so that equal capture times order by sequence. */
function frameMember(capturedAt: number, sequence: number): string {
  return `${String(capturedAt).padStart(15, '0')}:${String(sequence).padStart(12, '0')}`;
}

function parseFrameMember(member: string): { capturedAt: number; sequence: number } {
  const [capturedAt, sequence] = member.split(':');
  return { capturedAt: Number(capturedAt), sequence: Number(sequence) };
}
