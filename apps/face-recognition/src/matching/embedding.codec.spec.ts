import { describe, expect, it } from 'vitest';

import {
  EMBEDDING_BYTES,
  EMBEDDING_DIMENSIONS,
  InvalidEmbeddingError,
  packEmbedding,
  unpackEmbedding,
} from './embedding.codec';

function embedding(seed: number): Float32Array {
  return Float32Array.from(
    { length: EMBEDDING_DIMENSIONS },
    (_, i) => Math.sin(seed * 31 + i) * 0.3,
  );
}

describe('embedding codec', () => {
  it('round-trips 128 float32 values exactly in 512 bytes', () => {
    const original = embedding(7);

    const packed = packEmbedding(original);
    const unpacked = unpackEmbedding(packed);

    expect(packed.byteLength).toBe(EMBEDDING_BYTES);
    expect(EMBEDDING_BYTES).toBe(512);
    expect(Array.from(unpacked)).toEqual(Array.from(original));
  });

  it('writes little-endian whatever the host', () => {
    const values = new Float32Array(EMBEDDING_DIMENSIONS);
    values[0] = 1;

    const packed = packEmbedding(values);

    expect([...packed.subarray(0, 4)]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('reads a packed embedding at an offset inside a larger buffer', () => {
    const original = embedding(3);
    const padded = Buffer.concat([Buffer.from([1, 2, 3]), packEmbedding(original)]);

    expect(Array.from(unpackEmbedding(padded.subarray(3)))).toEqual(Array.from(original));
  });

  it.each([127, 129, 512])('refuses to pack %i values', (length) => {
    expect(() => packEmbedding(new Float32Array(length))).toThrow(InvalidEmbeddingError);
  });

  it('refuses to unpack the 2048 bytes of an old 512-value vector', () => {
    expect(() => unpackEmbedding(Buffer.alloc(2048))).toThrow(InvalidEmbeddingError);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s when packing and when unpacking', (bad) => {
    const values = embedding(1);
    values[5] = bad;
    const packed = Buffer.alloc(EMBEDDING_BYTES);
    packed.writeFloatLE(bad, 5 * 4);

    expect(() => packEmbedding(values)).toThrow(/value 5 is not finite/);
    expect(() => unpackEmbedding(packed)).toThrow(InvalidEmbeddingError);
  });
});
