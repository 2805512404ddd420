import { execFile } from 'node:child_process';
import { join } from 'node:path';

import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { loadFaceRecognitionConfig } from '@edgewatch/config';
import {
  fixturePath,
  freePort,
  repoRoot,
  startDynalite,
  type DynaliteServer,
} from '@edgewatch/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createDynamoClient } from '../members/dynamodb.client';
import { MembersRepository } from '../members/members.repository';

const COMMAND = join(repoRoot(), 'apps/face-recognition/src/enrolment/enrol.command.ts');
const TSX_CLI = join(repoRoot(), 'node_modules/tsx/dist/cli.mjs');
const PHOTO = fixturePath('faces', 'obama', '1.jpg');
/** A stack frame line, as `Error.stack` prints it. */
const STACK_FRAME = /^\s+at /m;

interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the enrol command as a user would, with only the given settings in its environment. */
function runEnrol(args: string[], env: Record<string, string>): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSX_CLI, COMMAND, ...args],
      { cwd: repoRoot(), env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function enrolArgs(memberId: string, name: string): string[] {
  return ['--member-id', memberId, '--name', name, '--photo', PHOTO];
}

describe('enrol command', () => {
  let dynalite: DynaliteServer;
  let nextTable = 1;
  const clients: DynamoDBClient[] = [];

  beforeAll(async () => {
    dynalite = await startDynalite();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  afterAll(async () => {
    await dynalite?.stop();
  });

  /** Settings for one run against the shared dynalite, with a members table of its own. */
  function ownTable(): { table: string; env: Record<string, string> } {
    const table = `members-${nextTable++}`;
    return { table, env: { DYNAMODB_ENDPOINT: dynalite.endpoint, MEMBERS_TABLE: table } };
  }

  function membersIn(table: string): { repository: MembersRepository; rows(): Promise<unknown[]> } {
    const config = loadFaceRecognitionConfig({ DYNAMODB_ENDPOINT: dynalite.endpoint });
    const dynamo = createDynamoClient(config.dynamo);
    clients.push(dynamo);
    return {
      repository: new MembersRepository(dynamo, table),
      async rows() {
        const scan = await dynamo.send(new ScanCommand({ TableName: table }));
        return (scan.Items ?? []).map((item) => unmarshall(item));
      },
    };
  }

  it('says the members table is missing and how to create it, without a stack', async () => {
    const { table, env } = ownTable();

    const run = await runEnrol(enrolArgs('m-1', 'Ada'), env);

    expect(run.code).toBe(78);
    expect(run.stderr).toContain(
      `members table "${table}" (MEMBERS_TABLE) does not exist at ` +
        `${dynalite.endpoint} (DYNAMODB_ENDPOINT); create it or pass --create-table`,
    );
    expect(run.stderr).not.toContain('ResourceNotFoundException');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it(
    'names DynamoDB and DYNAMODB_ENDPOINT when nothing answers there, ' + 'without a stack',
    async () => {
      const endpoint = `http://127.0.0.1:${await freePort()}`;

      const run = await runEnrol(enrolArgs('m-1', 'Ada'), { DYNAMODB_ENDPOINT: endpoint });

      expect(run.code).toBe(69);
      expect(run.stderr).toContain(
        `cannot reach DynamoDB at ${endpoint} (DYNAMODB_ENDPOINT): connect ECONNREFUSED`,
      );
      expect(run.stderr).not.toMatch(STACK_FRAME);
    },
  );

  it('refuses a blank member id and name, naming both, and writes nothing', async () => {
    const { table, env } = ownTable();

    const run = await runEnrol([...enrolArgs('   ', '   '), '--create-table'], env);

    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--member-id must not be blank');
    expect(run.stderr).toContain('--name must not be blank');
    expect(await membersIn(table).repository.tableExists()).toBe(false);
  });

  it('names the missing argument', async () => {
    const run = await runEnrol(['--member-id', 'm-1', '--photo', PHOTO], ownTable().env);

    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--name is required');
  });

  it('enrols a member with --create-table, the spaces around its id and name removed', async () => {
    const { table, env } = ownTable();

    const run = await runEnrol([...enrolArgs(' m-1 ', ' Ada '), '--create-table'], env);

    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Enrolled Ada (m-1) in table ${table}`);
    expect(await membersIn(table).rows()).toMatchObject([
      { memberId: 'm-1', name: 'Ada', embeddingStatus: 'ready' },
    ]);
  });
});
