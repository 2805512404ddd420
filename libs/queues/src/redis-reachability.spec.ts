import { Writable } from 'node:stream';

import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { RedisReachability } from './redis-reachability';

const URL = 'redis://:***@127.0.0.1:6390';
const REPEAT_INTERVAL_MS = 60_000;

interface LogLine {
  level: number;
  msg: string;
  reason?: string;
  connection?: string;
  suppressedSinceLastLine?: number;
  unreachableForMs?: number;
  err?: unknown;
}

/** A reachability over a worker and a producer connection, with its log and a fake clock. */
function reachability() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as LogLine);
      callback();
    },
  });
  const clock = { nowMs: 1_000_000 };
  const tracked = new RedisReachability(URL, ['worker', 'producer'], pino(destination), {
    repeatIntervalMs: REPEAT_INTERVAL_MS,
    whileUnreachable: 'no frames are recognised until it is',
    now: () => clock.nowMs,
  });
  return { tracked, lines, clock };
}

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
}

describe('RedisReachability', () => {
  it(
    'says once that Redis is not reachable, ' +
      'naming it and the reason, however often it retries',
    () => {
      const { tracked, lines, clock } = reachability();

      for (let attempt = 0; attempt < 10; attempt++) {
        tracked.connectionFailed('worker', refused());
        tracked.connectionFailed('producer', refused());
        clock.nowMs += 2_000;
      }

      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 50,
        msg:
          `Redis at ${URL} is not reachable: connect ECONNREFUSED 127.0.0.1:6390; ` +
          'no frames are recognised until it is, retrying',
        connection: 'worker',
        reason: 'connect ECONNREFUSED 127.0.0.1:6390',
        suppressedSinceLastLine: 0,
      });
      expect(lines[0]).not.toHaveProperty('err');
      expect(tracked.state).toBe('unreachable');
      expect(tracked.problem).toMatchObject({ reason: 'connect ECONNREFUSED 127.0.0.1:6390' });
    },
  );

  it('repeats the line once per interval while the outage lasts, with the count left out', () => {
    const { tracked, lines, clock } = reachability();
    tracked.connectionFailed('worker', refused());

    for (let attempt = 0; attempt < 4; attempt++) {
      clock.nowMs += 5_000;
      tracked.connectionFailed('worker', refused());
    }
    clock.nowMs += REPEAT_INTERVAL_MS;
    tracked.connectionFailed('producer', new Error('WRONGPASS invalid username-password pair'));

    expect(lines.map((line) => line.msg)).toEqual([
      expect.stringContaining(`Redis at ${URL} is not reachable: connect ECONNREFUSED`),
      expect.stringContaining(`Redis at ${URL} is still not reachable: WRONGPASS`),
    ]);
    expect(lines[1]).toMatchObject({
      suppressedSinceLastLine: 4,
      unreachableForMs: 4 * 5_000 + REPEAT_INTERVAL_MS,
    });
  });

  it('says Redis is reachable again once every connection is ready', () => {
    const { tracked, lines, clock } = reachability();
    tracked.connectionFailed('worker', refused());
    tracked.connectionFailed('producer', refused());
    clock.nowMs += 7_000;

    tracked.connectionReady('worker');
    const beforeProducer = tracked.state;
    tracked.connectionReady('producer');

    expect(beforeProducer).toBe('unreachable');
    expect(tracked.state).toBe('reachable');
    expect(tracked.problem).toBeNull();
    expect(lines.at(-1)).toMatchObject({
      level: 30,
      msg: `Redis at ${URL} is reachable again`,
      unreachableForMs: 7_000,
    });
  });

  it('starts a new outage with a line of its own', () => {
    const { tracked, lines } = reachability();
    tracked.connectionReady('worker');
    tracked.connectionReady('producer');

    tracked.connectionClosed('worker');
    tracked.connectionFailed('worker', refused());
    tracked.connectionReady('worker');
    tracked.connectionFailed('worker', refused());

    expect(lines.map((line) => line.msg)).toEqual([
      `Redis at ${URL} is reachable`,
      expect.stringContaining('is not reachable'),
      `Redis at ${URL} is reachable again`,
      expect.stringContaining('is not reachable'),
    ]);
    expect(lines[3]).toMatchObject({ suppressedSinceLastLine: 0 });
  });
});
