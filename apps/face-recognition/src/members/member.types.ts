export type EmbeddingStatus = 'ready' | 'pending' | 'failed';

/** A member row as the enrolment side writes it. */
export interface MemberRecord {
  memberId: string;
  name: string;
  /** One 128-value descriptor per enrolled photo. */
  embeddings: readonly Float32Array[];
  /** The model that made the embeddings (FACE_MODEL_ID when made here). */
  modelId: string;
  embeddingStatus: EmbeddingStatus;
}

/**
 * A member row as read from the table, before validation: rows written by older systems
 * (512-value vectors, number sets, missing fields) must be reported, not crash the refresh.
 */
export interface StoredMemberRow {
  memberId: unknown;
  name: unknown;
  embeddings: unknown;
  modelId: unknown;
  embeddingStatus: unknown;
}

/** Why a row is not matched. */
export type MemberSkipReason =
  'malformed' | 'not_ready' | 'other_model' | 'no_embedding' | 'invalid_embedding';
