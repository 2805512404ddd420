import { InvalidEmbeddingError, unpackEmbedding } from '../matching/embedding.codec';
import type { MatchableMember } from '../matching/face.matcher';

import type { MemberSkipReason, StoredMemberRow } from './member.types';

export interface SkippedMember {
  memberId: string;
  reason: MemberSkipReason;
}

export interface MemberSelection {
  matchable: MatchableMember[];
  skipped: SkippedMember[];
}

/**
 * Keeps the rows that can be compared with faces of the current model: `ready`, made by
 * `modelId`, every embedding a valid packed 128-value vector. Rows of another model (the old
 * 512-value vectors) are skipped and reported so they get re-computed, never compared.
 */
export function selectMatchableMembers(
  rows: readonly StoredMemberRow[],
  modelId: string,
): MemberSelection {
  const matchable: MatchableMember[] = [];
  const skipped: SkippedMember[] = [];

  for (const row of rows) {
    const outcome = toMatchable(row, modelId);
    if ('reason' in outcome) skipped.push(outcome);
    else matchable.push(outcome);
  }
  return { matchable, skipped };
}

function toMatchable(row: StoredMemberRow, modelId: string): MatchableMember | SkippedMember {
  const memberId = typeof row.memberId === 'string' ? row.memberId : String(row.memberId);
  if (typeof row.memberId !== 'string' || typeof row.name !== 'string') {
    return { memberId, reason: 'malformed' };
  }
  if (row.embeddingStatus !== 'ready') return { memberId, reason: 'not_ready' };
  if (row.modelId !== modelId) return { memberId, reason: 'other_model' };
  if (!Array.isArray(row.embeddings) || row.embeddings.length === 0) {
    return { memberId, reason: 'no_embedding' };
  }

  const descriptors: Float32Array[] = [];
  for (const packed of row.embeddings as unknown[]) {
    if (!(packed instanceof Uint8Array)) return { memberId, reason: 'invalid_embedding' };
    try {
      descriptors.push(unpackEmbedding(packed));
    } catch (error: unknown) {
      if (error instanceof InvalidEmbeddingError) return { memberId, reason: 'invalid_embedding' };
      throw error;
    }
  }
  return { memberId, name: row.name, descriptors };
}
