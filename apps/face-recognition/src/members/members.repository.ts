import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

import { packEmbedding } from '../matching/embedding.codec';

import type { MemberRecord, StoredMemberRow } from './member.types';

/** Rows read per refresh at most; past it the rest are left out and reported. */
export const MAX_MEMBERS = 10_000;
/** Embeddings per member at most: 512 bytes each, well inside DynamoDB's 400 KB item limit. */
export const MAX_EMBEDDINGS_PER_MEMBER = 20;

export interface MemberScan {
  rows: StoredMemberRow[];
  /** True when the table holds more than MAX_MEMBERS rows and the rest were not read. */
  truncated: boolean;
}

/** The members table: key `memberId` (S); `embeddings` a List of packed float32 Binary values. */
export class MembersRepository {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  /**
   * Every row, page by page, up to MAX_MEMBERS.
   * Throws ResourceNotFoundException without a table.
   */
  async scanAll(maxRows = MAX_MEMBERS): Promise<MemberScan> {
    const rows: StoredMemberRow[] = [];
    let startKey: Record<string, never> | undefined;

    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        if (rows.length >= maxRows) return { rows, truncated: true };
        rows.push(toStoredRow(unmarshall(item)));
      }
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey !== undefined);

    return { rows, truncated: false };
  }

  /** Whether the table exists, in any state. Every other failure is thrown. */
  async tableExists(): Promise<boolean> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.tableName }));
      return true;
    } catch (error: unknown) {
      if (isTableMissing(error)) return false;
      throw error;
    }
  }

  /** Writes (replaces) a member row. Embeddings are packed float32, never a number set. */
  async put(member: MemberRecord): Promise<void> {
    if (member.embeddings.length > MAX_EMBEDDINGS_PER_MEMBER) {
      throw new RangeError(
        `${member.embeddings.length} embeddings for member ${member.memberId}; ` +
          `at most ${MAX_EMBEDDINGS_PER_MEMBER}`,
      );
    }

    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          memberId: { S: member.memberId },
          name: { S: member.name },
          embeddings: {
            L: member.embeddings.map((embedding) => ({ B: packEmbedding(embedding) })),
          },
          modelId: { S: member.modelId },
          embeddingStatus: { S: member.embeddingStatus },
        },
      }),
    );
  }
}

function toStoredRow(item: Record<string, unknown>): StoredMemberRow {
  return {
    memberId: item['memberId'],
    name: item['name'],
    embeddings: item['embeddings'],
    modelId: item['modelId'],
    embeddingStatus: item['embeddingStatus'],
  };
}

/** Whether an error says the table does not exist. */
export function isTableMissing(error: unknown): boolean {
  return error instanceof ResourceNotFoundException;
}

/**
 * Creates the members table when it is missing (on-demand capacity) and waits until it is
 * active. For development, tests and the demo; production tables are made by infrastructure.
 * Returns whether it created the table.
 */
export async function ensureMembersTable(
  client: DynamoDBClient,
  tableName: string,
  maxWaitSeconds = 60,
): Promise<boolean> {
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus === 'ACTIVE') return false;
  } catch (error: unknown) {
    if (!isTableMissing(error)) throw error;
    const created = await createMembersTable(client, tableName);
    await waitUntilTableExists({ client, maxWaitTime: maxWaitSeconds }, { TableName: tableName });
    return created;
  }

  await waitUntilTableExists({ client, maxWaitTime: maxWaitSeconds }, { TableName: tableName });
  return false;
}

async function createMembersTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'memberId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'memberId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return true;
  } catch (error: unknown) {
    // Another process created it between our describe and create.
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
}
