import { readFile } from 'node:fs/promises';

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { redactUrl, type FaceRecognitionConfig } from '@edgewatch/config';
import { classLogger, type Logger } from '@edgewatch/telemetry';

import { FACE_MODEL_ID } from '../inference/face-model.constants';
import { InferenceClient } from '../inference/inference.client';
import { ImageRejectedError } from '../inference/inference.errors';
import { inferenceWorkerConfig } from '../inference/inference-worker.config';
import type { FaceBox } from '../inference/inference.protocol';
import { createDynamoClient } from '../members/dynamodb.client';
import { errorReason, isEndpointUnreachable } from '../members/dynamodb.errors';
import {
  ensureMembersTable,
  isTableMissing,
  MAX_EMBEDDINGS_PER_MEMBER,
  MembersRepository,
} from '../members/members.repository';

import {
  DynamoUnreachableError,
  EnrolmentPhotoError,
  MembersTableMissingError,
} from './enrolment.errors';

export interface EnrolMemberOptions {
  config: FaceRecognitionConfig;
  /** Not blank. */
  memberId: string;
  /** Not blank. */
  name: string;
  /** Paths of JPEG, PNG or WEBP photos, each showing the member's face alone. */
  photos: readonly string[];
  logger: Logger;
  /** Creates the members table when missing (development and demo). Default false. */
  createTable?: boolean;
}

export interface EnrolledPhoto {
  photo: string;
  box: FaceBox;
  score: number;
}

export interface EnrolmentResult {
  memberId: string;
  name: string;
  modelId: string;
  table: string;
  photos: EnrolledPhoto[];
}

/**
 * Computes a member's embeddings in-process, with the same worker, detector profile and
 * model id as `POST /recognise`, and writes the member row as `ready`. Every photo must show
 * exactly one face; otherwise nothing is written.
 *
 * Throws EnrolmentPhotoError for a refused photo, MembersTableMissingError and
 * DynamoUnreachableError when the row cannot be written; the table is checked before the
 * models load, so those come within seconds.
 */
export async function enrolMember(options: EnrolMemberOptions): Promise<EnrolmentResult> {
  const { config, memberId, name, photos } = options;
  if (memberId.trim() === '') throw new RangeError('the member id must not be blank');
  if (name.trim() === '') throw new RangeError('the name must not be blank');
  if (photos.length === 0) throw new RangeError('at least one photo is needed');
  if (photos.length > MAX_EMBEDDINGS_PER_MEMBER) {
    throw new RangeError(`at most ${MAX_EMBEDDINGS_PER_MEMBER} photos per member`);
  }
  const logger = classLogger(options.logger, 'EnrolMember');

  const table = config.dynamo.membersTable;
  const dynamo = createDynamoClient(config.dynamo);
  try {
    const repository = new MembersRepository(dynamo, table);
    const tableState = await asStoreErrors(config, () =>
      prepareTable(dynamo, repository, options.createTable ?? false, logger),
    );
    if (tableState === 'missing') throw tableMissingError(config);

    const embedded = await embedPhotos(config, photos, logger);

    await asStoreErrors(config, () =>
      repository.put({
        memberId,
        name,
        embeddings: embedded.map((photo) => photo.descriptor),
        modelId: FACE_MODEL_ID,
        embeddingStatus: 'ready',
      }),
    );

    const enrolled = embedded.map(({ photo, box, score }) => ({ photo, box, score }));
    logger.info(
      { memberId, name, table, photos: enrolled.length, modelId: FACE_MODEL_ID },
      'member enrolled',
    );
    return { memberId, name, modelId: FACE_MODEL_ID, table, photos: enrolled };
  } finally {
    dynamo.destroy();
  }
}

/**
 * Creates the table when asked to; otherwise checks it exists, so a missing table is said
 * before the models load rather than after.
 */
async function prepareTable(
  dynamo: DynamoDBClient,
  repository: MembersRepository,
  createTable: boolean,
  logger: Logger,
): Promise<'ready' | 'missing'> {
  const table = repository.tableName;
  if (createTable) {
    if (await ensureMembersTable(dynamo, table)) logger.info({ table }, 'members table created');
    return 'ready';
  }

  try {
    return (await repository.tableExists()) ? 'ready' : 'missing';
  } catch (error: unknown) {
    if (isEndpointUnreachable(error)) throw error;
    // The write decides: a role may be allowed PutItem without DescribeTable.
    logger.debug({ table, err: error }, 'members table not described; the write will tell');
    return 'ready';
  }
}

/**
 * Runs a DynamoDB step, turning "table missing" and "endpoint unreachable" into their typed
 * errors; anything else is rethrown as it is.
 */
async function asStoreErrors<T>(config: FaceRecognitionConfig, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error: unknown) {
    if (isTableMissing(error)) throw tableMissingError(config, error);
    if (isEndpointUnreachable(error)) {
      const endpoint = redactUrl(config.dynamo.endpoint);
      throw new DynamoUnreachableError(endpoint, errorReason(error), { cause: error });
    }
    throw error;
  }
}

function tableMissingError(
  config: FaceRecognitionConfig,
  cause?: unknown,
): MembersTableMissingError {
  return new MembersTableMissingError(
    config.dynamo.membersTable,
    redactUrl(config.dynamo.endpoint),
    { cause },
  );
}

async function embedPhotos(
  config: FaceRecognitionConfig,
  photos: readonly string[],
  logger: Logger,
): Promise<(EnrolledPhoto & { descriptor: Float32Array })[]> {
  const inference = new InferenceClient({
    worker: inferenceWorkerConfig(config),
    logger,
    requestTimeoutMs: config.inferenceTimeoutMs,
    maxPending: 1,
  });
  try {
    const ready = await inference.start();
    logger.info(
      { backend: ready.backend, simd: ready.simd, detector: config.recognise.detector },
      'models loaded',
    );

    const embedded: (EnrolledPhoto & { descriptor: Float32Array })[] = [];
    for (const photo of photos) {
      embedded.push(await embedPhoto(inference, photo));
    }
    return embedded;
  } finally {
    await inference.close();
  }
}

async function embedPhoto(
  inference: InferenceClient,
  photo: string,
): Promise<EnrolledPhoto & { descriptor: Float32Array }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(photo);
  } catch (error: unknown) {
    throw new EnrolmentPhotoError(
      photo,
      'unreadable',
      error instanceof Error ? error.message : String(error),
    );
  }

  let result;
  try {
    result = await inference.detectAndDescribe(bytes, {
      profile: 'photo',
      minFaceHeightPx: 0,
      maxFaces: 1,
    });
  } catch (error: unknown) {
    if (!(error instanceof ImageRejectedError)) throw error;
    const problem = error.reason === 'too-many-pixels' ? 'too_many_pixels' : 'not_an_image';
    throw new EnrolmentPhotoError(photo, problem, error.message);
  }

  if (result.detectedCount === 0) throw new EnrolmentPhotoError(photo, 'no_face', 'no face found');
  if (result.detectedCount > 1) {
    throw new EnrolmentPhotoError(
      photo,
      'several_faces',
      `${result.detectedCount} faces found; each photo must show the member alone`,
    );
  }
  const face = result.faces[0];
  if (face === undefined)
    throw new EnrolmentPhotoError(photo, 'no_face', 'the face could not be described');
  return { photo, box: face.box, score: face.score, descriptor: face.descriptor };
}
