import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@edgewatch/testing';

import { FACE_MODEL_ID } from '../inference/face-model.constants';
import { ensureMembersTable } from './members.repository';
import { startServiceHarness, type ServiceHarness } from '../testing/service.harness';

interface Readiness {
  status: string;
  details: { members: { status: string; problem: string | null; message?: string } };
}

describe('members table', () => {
  let harness: ServiceHarness;

  beforeAll(async () => {
    harness = await startServiceHarness({ createTable: false, env: { MEMBERS_REFRESH_MS: '300' } });
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function readiness(): Promise<{ status: number; body: Readiness }> {
    const response = await fetch(`${harness.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Readiness };
  }

  it('says the table is missing in readiness and the log, and keeps retrying', async () => {
    const { status, body } = await readiness();

    expect(status).toBe(503);
    expect(body.details.members).toMatchObject({ status: 'down', problem: 'table_missing' });
    expect(body.details.members.message).toContain(
      `"${harness.config.dynamo.membersTable}" does not exist`,
    );
    expect(harness.logLines.some((line) => line.includes('does not exist'))).toBe(true);
    await waitFor(
      async () =>
        (await harness.metric('edgewatch_members_refresh_total', { outcome: 'table_missing' })) >=
        3,
      {
        timeoutMs: 5_000,
        what: 'three attempts',
      },
    );
  });

  it(
    'becomes ready by itself once the table exists, ' + 'and loads the rows written to it',
    async () => {
      await ensureMembersTable(harness.dynamo, harness.config.dynamo.membersTable);
      await harness.members.put({
        memberId: 'm-1',
        name: 'One',
        embeddings: [new Float32Array(128).fill(0.01)],
        modelId: FACE_MODEL_ID,
        embeddingStatus: 'ready',
      });
      await harness.members.put({
        memberId: 'm-2',
        name: 'Two',
        embeddings: [],
        modelId: FACE_MODEL_ID,
        embeddingStatus: 'pending',
      });

      await waitFor(async () => (await readiness()).status === 200, {
        timeoutMs: 5_000,
        what: 'readiness',
      });
      // Readiness needs one refresh of an existing table, and one may have run between the
      // table's creation and the writes above, or between the two writes; a later refresh
      // (every 300 ms) reads both rows.
      const loaded = async () => ({
        matchable: await harness.metric('edgewatch_members_matchable'),
        notReady: await harness.metric('edgewatch_members_skipped', { reason: 'not_ready' }),
      });
      await waitFor(
        async () => {
          const { matchable, notReady } = await loaded();
          return matchable > 0 && notReady > 0;
        },
        { timeoutMs: 5_000, what: 'a refresh that read both written rows' },
      );

      expect(await loaded()).toEqual({ matchable: 1, notReady: 1 });
    },
  );

  it('pages through a scan of more rows than one page holds', async () => {
    const embedding = new Float32Array(128).fill(0.02);
    const writes = Array.from({ length: 2_100 }, (_, index) =>
      harness.members.put({
        memberId: `bulk-${index}`,
        name: `Bulk ${index}`,
        embeddings: [embedding],
        modelId: FACE_MODEL_ID,
        embeddingStatus: 'ready',
      }),
    );
    await Promise.all(writes);
    const firstPage = await harness.dynamo.send(
      new ScanCommand({ TableName: harness.config.dynamo.membersTable }),
    );

    const scan = await harness.members.scanAll();

    expect(scan.rows).toHaveLength(2_102);
    expect(scan.truncated).toBe(false);
    // Over 1 MB of rows: the server answers in pages, and the scan followed them.
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Items?.length).toBeLessThan(2_102);
  });
});
