import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

/** What `POST /recognise` answers for a photo with exactly one face. */
export interface RecognisedPhoto {
  embedding: number[];
  modelId: string;
  box: { x: number; y: number; width: number; height: number };
  score: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

/**
 * Enrols members the way a member-sync caller would: each photo goes through the running
 * service's `POST /recognise`, and the member row (packed float32 embeddings and the model
 * id) is written to the members table.
 */
export class MembersAdmin {
  private readonly dynamo: DynamoDBClient;

  constructor(
    endpoint: string,
    private readonly table: string,
    private readonly recogniseUrl: string,
  ) {
    this.dynamo = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  async ensureTable(): Promise<void> {
    try {
      await this.dynamo.send(new DescribeTableCommand({ TableName: this.table }));
    } catch (error: unknown) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await this.dynamo.send(
        new CreateTableCommand({
          TableName: this.table,
          AttributeDefinitions: [{ AttributeName: 'memberId', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'memberId', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  }

  async recognise(photoPath: string): Promise<RecognisedPhoto> {
    const contentType =
      CONTENT_TYPES[extname(photoPath).toLowerCase()] ?? 'application/octet-stream';
    const response = await fetch(this.recogniseUrl, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: readFileSync(photoPath),
    });
    const body = (await response.json()) as RecognisedPhoto & { error?: string; message?: string };
    if (!response.ok) {
      throw new Error(
        `${photoPath}: ${response.status} ${body.error ?? ''} ${body.message ?? ''}`.trim(),
      );
    }
    return body;
  }

  /** Enrols one member from one or more photos; returns the embeddings' model id. */
  async enrol(memberId: string, name: string, photoPaths: readonly string[]): Promise<string> {
    const recognised: RecognisedPhoto[] = [];
    for (const photo of photoPaths) recognised.push(await this.recognise(photo));
    const modelId = recognised[0]?.modelId ?? '';

    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          memberId: { S: memberId },
          name: { S: name },
          modelId: { S: modelId },
          embeddingStatus: { S: 'ready' },
          embeddings: { L: recognised.map((photo) => ({ B: packFloat32(photo.embedding) })) },
          updatedAt: { S: new Date().toISOString() },
        },
      }),
    );
    return modelId;
  }

  close(): void {
    this.dynamo.destroy();
  }
}

function packFloat32(values: readonly number[]): Uint8Array {
  const packed = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => packed.writeFloatLE(value, index * 4));
  return packed;
}
