import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadFaceRecognitionConfig } from '@edgewatch/config';
import {
  freePort,
  startDynalite,
  startRedis,
  waitFor,
  type DynaliteServer,
  type RedisServer,
} from '@edgewatch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFaceRecognitionApp, type FaceRecognitionApp } from '../face-recognition.app';
import { InferenceService } from '../inference/inference.service';
import { createDynamoClient } from '../members/dynamodb.client';
import { ensureMembersTable } from '../members/members.repository';
import { captureLogLines } from '../testing/service.harness';

import { RedisConnections } from './redis.module';

const PASSWORD = 'not-for-logs';

interface LogLine {
  level: number;
  context?: string;
  msg: string;
  redisUrl?: string;
  reason?: string;
  err?: unknown;
}

interface RedisReadiness {
  status: string;
  url?: string;
  reason?: string;
  connection?: string;
}

describe('face-recognition while its Redis is not reachable', () => {
  let dynalite: DynaliteServer;
  let dynamo: DynamoDBClient;
  let service: FaceRecognitionApp;
  let url: string;
  let redisPort: number;
  let safeUrl: string;
  let logLines: string[];
  let redis: RedisServer | undefined;
  let connectionErrors = 0;

  beforeAll(async () => {
    dynalite = await startDynalite();
    redisPort = await freePort();
    safeUrl = `redis://:***@127.0.0.1:${redisPort}`;
    const config = loadFaceRecognitionConfig({
      REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${redisPort}`,
      DYNAMODB_ENDPOINT: dynalite.endpoint,
      LOG_LEVEL: 'info',
      MEMORY_SAMPLE_INTERVAL_MS: '0',
    });
    dynamo = createDynamoClient(config.dynamo);
    await ensureMembersTable(dynamo, config.dynamo.membersTable);

    const logs = captureLogLines();
    logLines = logs.lines;
    service = await createFaceRecognitionApp(config, { logDestination: logs.destination });
    service.app.get(RedisConnections).worker.on('error', () => {
      connectionErrors += 1;
    });
    url = await service.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await service?.close();
    await redis?.stop();
    dynamo?.destroy();
    await dynalite?.stop();
  });

  function parsedLines(): LogLine[] {
    return logLines.map((line) => JSON.parse(line) as LogLine);
  }

  async function redisReadiness(): Promise<{ status: number; redis: RedisReadiness }> {
    const response = await fetch(`${url}/health/ready`);
    const body = (await response.json()) as { details: { redis: RedisReadiness } };
    return { status: response.status, redis: body.details.redis };
  }

  it(
    'says once that Redis is not reachable, ' + 'naming it without its password and the reason',
    async () => {
      // The frames worker runs once the models are loaded, and then fails along with Redis.
      const inference = service.app.get(InferenceService);
      await waitFor(() => inference.ready, { timeoutMs: 120_000, what: 'the models to load' });
      const errorsWithWorker = connectionErrors;
      await waitFor(() => connectionErrors >= Math.max(4, errorsWithWorker + 2), {
        timeoutMs: 20_000,
        what: 'more failed reconnects',
      });

      const unreachable = parsedLines().filter((line) => line.msg.includes('not reachable'));
      expect(unreachable).toHaveLength(1);
      expect(unreachable[0]).toMatchObject({
        level: 50,
        redisUrl: safeUrl,
        reason: `connect ECONNREFUSED 127.0.0.1:${redisPort}`,
      });
      expect(unreachable[0]?.msg).toMatch(
        new RegExp(
          `^Redis at ${escape(safeUrl)} is not reachable: connect ECONNREFUSED .*retrying$`,
        ),
      );
      expect(unreachable[0]).not.toHaveProperty('err');
      expect(logLines.filter((line) => line.includes('"stack"'))).toEqual([]);
      expect(logLines.filter((line) => line.includes(PASSWORD))).toEqual([]);
    },
  );

  it('names the Redis and the reason in /health/ready', async () => {
    const { status, redis: readiness } = await redisReadiness();

    expect(status).toBe(503);
    expect(readiness).toMatchObject({
      status: 'down',
      url: safeUrl,
      reason: `connect ECONNREFUSED 127.0.0.1:${redisPort}`,
    });
  });

  it('says when Redis is reachable again, and becomes ready for it', async () => {
    redis = await startRedis({ port: redisPort, password: PASSWORD });

    await waitFor(
      () => parsedLines().some((line) => line.msg === `Redis at ${safeUrl} is reachable again`),
      { timeoutMs: 20_000, what: 'the "reachable again" line' },
    );
    const { redis: readiness } = await waitFor(
      async () => {
        const answer = await redisReadiness();
        return answer.redis.status === 'up' ? answer : undefined;
      },
      { timeoutMs: 10_000, what: 'redis to be up in readiness' },
    );
    expect(readiness).toMatchObject({ status: 'up', url: safeUrl });
    expect(readiness).not.toHaveProperty('reason');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
