import { describe, expect, it } from 'vitest';

import { FACE_MODEL_ID } from '../inference/face-model.constants';
import { packEmbedding } from '../matching/embedding.codec';

import { selectMatchableMembers } from './member.selection';
import type { StoredMemberRow } from './member.types';

function descriptor(seed: number): Float32Array {
  return Float32Array.from({ length: 128 }, (_, i) => Math.cos(seed + i) * 0.2);
}

function row(overrides: Partial<StoredMemberRow> & { memberId: string }): StoredMemberRow {
  return {
    name: `Name of ${overrides.memberId}`,
    embeddings: [packEmbedding(descriptor(1))],
    modelId: FACE_MODEL_ID,
    embeddingStatus: 'ready',
    ...overrides,
  };
}

describe('selectMatchableMembers', () => {
  it('keeps ready rows of the current model with their decoded embeddings', () => {
    const selection = selectMatchableMembers(
      [
        row({
          memberId: 'alice',
          embeddings: [packEmbedding(descriptor(1)), packEmbedding(descriptor(2))],
        }),
      ],
      FACE_MODEL_ID,
    );

    expect(selection.skipped).toEqual([]);
    expect(selection.matchable).toHaveLength(1);
    expect(selection.matchable[0]?.descriptors.map((d) => Array.from(d))).toEqual([
      Array.from(descriptor(1)),
      Array.from(descriptor(2)),
    ]);
  });

  it(
    'skips rows made by another model, such as the old 512-value vectors, ' +
      'without comparing them',
    () => {
      const old = row({
        memberId: 'legacy',
        modelId: 'insightface-r100',
        embeddings: [Buffer.alloc(512 * 4)],
      });

      const selection = selectMatchableMembers([old, row({ memberId: 'alice' })], FACE_MODEL_ID);

      expect(selection.matchable.map((m) => m.memberId)).toEqual(['alice']);
      expect(selection.skipped).toEqual([{ memberId: 'legacy', reason: 'other_model' }]);
    },
  );

  it('names every other reason a row is not matched', () => {
    const rows = [
      row({ memberId: 'pending', embeddingStatus: 'pending' }),
      row({ memberId: 'failed', embeddingStatus: 'failed' }),
      row({ memberId: 'empty', embeddings: [] }),
      row({ memberId: 'number-set', embeddings: new Set([0.1, 0.2]) }),
      row({ memberId: 'wrong-length', embeddings: [Buffer.alloc(100)] }),
      row({ memberId: 'nameless', name: undefined }),
    ];

    const selection = selectMatchableMembers(rows, FACE_MODEL_ID);

    expect(selection.matchable).toEqual([]);
    expect(selection.skipped).toEqual([
      { memberId: 'pending', reason: 'not_ready' },
      { memberId: 'failed', reason: 'not_ready' },
      { memberId: 'empty', reason: 'no_embedding' },
      { memberId: 'number-set', reason: 'no_embedding' },
      { memberId: 'wrong-length', reason: 'invalid_embedding' },
      { memberId: 'nameless', reason: 'malformed' },
    ]);
  });
});
