import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FaceRecognitionConfig } from '@edgewatch/config';

/** Injection token of the service's DynamoDB client. */
export const DYNAMODB_CLIENT = Symbol('DYNAMODB_CLIENT');

// Local DynamoDB-compatible servers (dynalite) accept any key; the SDK still wants one.
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * A DynamoDB client with bounded waits: a table that does not answer must not hold a
 * refresh for minutes. Without configured credentials it uses the SDK's default chain for
 * AWS itself, and dummy ones for any other endpoint (dynalite in development and tests).
 */
export function createDynamoClient(dynamo: FaceRecognitionConfig['dynamo']): DynamoDBClient {
  const isAws = new URL(dynamo.endpoint).hostname.endsWith('.amazonaws.com');
  const credentials = dynamo.credentials ?? (isAws ? undefined : LOCAL_CREDENTIALS);

  return new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: dynamo.region,
    credentials,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  });
}
