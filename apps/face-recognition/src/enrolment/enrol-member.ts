import { readFile } from 'node:fs/promises';

import type { FaceRecognitionConfig } from '@edgewatch/config';
import { classLogger, type Logger } from '@edgewatch/telemetry';

import { FACE_MODEL_ID } from '../inference/face-model.constants';
import { InferenceClient } from '../inference/inference.client';
import { ImageRejectedError } from '../inference/inference.errors';
import { inferenceWorkerConfig } from '../inference/inference-worker.config';
import type { FaceBox } from '../inference/inference.protocol';
import { createDynamoClient } from '../members/dynamodb.client';
import {
  ensureMembersTable,
  MAX_EMBEDDINGS_PER_MEMBER,
  MembersRepository,
} from '../members/members.repository';

export interface EnrolMemberOptions {
  config: FaceRecognitionConfig;
  memberId: string;
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

export type PhotoProblem =
  'unreadable' | 'not_an_image' | 'too_many_pixels' | 'no_face' | 'several_faces';

/** A photo that cannot be enrolled; nothing was written. */
export class EnrolmentPhotoError extends Error {
  override readonly name = 'EnrolmentPhotoError';

  constructor(
    readonly photo: string,
    readonly problem: PhotoProblem,
    detail: string,
  ) {
    super(`${photo}: ${detail}`);
  }
}

/**
 * Computes a member's embeddings in-process, with the same worker, detector profile and
 * model id as `POST /recognise`, and writes the member row as `ready`. Every photo must show
 * exactly one face; otherwise nothing is written.
 */
export async function enrolMember(options: EnrolMemberOptions): Promise<EnrolmentResult> {
  const { config, memberId, name, photos } = options;
  if (photos.length === 0) throw new RangeError('at least one photo is needed');
  if (photos.length > MAX_EMBEDDINGS_PER_MEMBER) {
    throw new RangeError(`at most ${MAX_EMBEDDINGS_PER_MEMBER} photos per member`);
  }
  const logger = classLogger(options.logger, 'EnrolMember');

  const embedded = await embedPhotos(config, photos, logger);

  const dynamo = createDynamoClient(config.dynamo);
  try {
    const table = config.dynamo.membersTable;
    if (options.createTable && (await ensureMembersTable(dynamo, table))) {
      logger.info({ table }, 'members table created');
    }
    await new MembersRepository(dynamo, table).put({
      memberId,
      name,
      embeddings: embedded.map((photo) => photo.descriptor),
      modelId: FACE_MODEL_ID,
      embeddingStatus: 'ready',
    });

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
