import { classLogger, LogRateLimiter, type Logger } from '@edgewatch/telemetry';

export type RedisReachabilityState = 'connecting' | 'reachable' | 'unreachable';

/** Why Redis is not reachable, as the last connection error said it. */
export interface RedisProblem {
  /** The connection that said it, e.g. `worker`. */
  connection: string;
  /** The error's message, e.g. `connect ECONNREFUSED 127.0.0.1:6379` or `WRONGPASS ...`. */
  reason: string;
  /** When Redis was first found unreachable in this outage, epoch ms. */
  sinceMs: number;
}

export interface RedisReachabilityOptions {
  /** Least time between two "still not reachable" lines of one outage, in ms. Default 60000. */
  repeatIntervalMs?: number;
  /**
   * What the service does without Redis, said after the reason so an operator knows what an
   * outage costs, e.g. `frames are dropped and counted until it is`. Default
   * `work that needs Redis waits until it is`.
   */
  whileUnreachable?: string;
  now?: () => number;
}

const DEFAULT_REPEAT_INTERVAL_MS = 60_000;
const DEFAULT_WHILE_UNREACHABLE = 'work that needs Redis waits until it is';

/**
 * Whether a service's Redis can be used, followed from its connections' events and said
 * in the log when it changes: one line when it goes away, whichever connection notices
 * first, and one when every connection is back. ioredis retries every few seconds while
 * Redis is away; those errors are counted into one repeated line per interval.
 */
export class RedisReachability {
  private readonly logger: Logger;
  private readonly repeatIntervalMs: number;
  private readonly whileUnreachable: string;
  private readonly now: () => number;
  private readonly ready = new Map<string, boolean>();
  private stateValue: RedisReachabilityState = 'connecting';
  private problemValue: RedisProblem | null = null;
  private repeatLog: LogRateLimiter;

  constructor(
    /** The Redis URL without its password. */
    readonly safeUrl: string,
    connections: readonly string[],
    root: Logger,
    options: RedisReachabilityOptions = {},
  ) {
    this.logger = classLogger(root, RedisReachability.name);
    this.repeatIntervalMs = options.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS;
    this.whileUnreachable = options.whileUnreachable ?? DEFAULT_WHILE_UNREACHABLE;
    this.now = options.now ?? Date.now;
    this.repeatLog = this.newRepeatLog();
    for (const connection of connections) this.ready.set(connection, false);
  }

  get state(): RedisReachabilityState {
    return this.stateValue;
  }

  /** Null unless Redis is unreachable. */
  get problem(): RedisProblem | null {
    return this.problemValue;
  }

  connectionReady(connection: string): void {
    this.ready.set(connection, true);
    if (this.stateValue === 'reachable' || [...this.ready.values()].includes(false)) return;

    const outage = this.problemValue;
    this.stateValue = 'reachable';
    this.problemValue = null;
    if (outage === null) {
      this.logger.info({ redisUrl: this.safeUrl }, `Redis at ${this.safeUrl} is reachable`);
      return;
    }
    this.logger.info(
      { redisUrl: this.safeUrl, unreachableForMs: this.now() - outage.sinceMs },
      `Redis at ${this.safeUrl} is reachable again`,
    );
  }

  /** The connection will reconnect by itself; an error, if any, follows. */
  connectionClosed(connection: string): void {
    this.ready.set(connection, false);
  }

  connectionFailed(connection: string, error: Error): void {
    this.ready.set(connection, false);
    const reason = error.message || error.name;
    const startsOutage = this.stateValue !== 'unreachable';
    const sinceMs = startsOutage ? this.now() : (this.problemValue?.sinceMs ?? this.now());
    this.stateValue = 'unreachable';
    this.problemValue = { connection, reason, sinceMs };

    if (startsOutage) this.repeatLog = this.newRepeatLog();
    const suppressed = this.repeatLog.take('unreachable');
    if (suppressed === null) return;

    const details = {
      redisUrl: this.safeUrl,
      connection,
      reason,
      unreachableForMs: this.now() - sinceMs,
      suppressedSinceLastLine: suppressed,
    };
    this.logger.error(
      details,
      `Redis at ${this.safeUrl} is ${startsOutage ? 'not' : 'still not'} reachable: ${reason}; ` +
        `${this.whileUnreachable}, retrying`,
    );
  }

  private newRepeatLog(): LogRateLimiter {
    return new LogRateLimiter(this.repeatIntervalMs, 1, this.now);
  }
}
