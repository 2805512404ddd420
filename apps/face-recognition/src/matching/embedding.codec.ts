/** Values in one face-api descriptor (faceRecognitionNet). */
export const EMBEDDING_DIMENSIONS = 128;
/** Bytes of one packed embedding: 128 float32 values. */
export const EMBEDDING_BYTES = EMBEDDING_DIMENSIONS * Float32Array.BYTES_PER_ELEMENT;

/** An embedding that cannot be stored or compared: wrong length or a value that is not finite. */
export class InvalidEmbeddingError extends Error {
  override readonly name = 'InvalidEmbeddingError';
}

/**
 * Packs 128 float32 values little-endian into 512 bytes. Exact, independent of the host's
 * byte order, and small enough to keep several per DynamoDB item.
 */
export function packEmbedding(embedding: ArrayLike<number>): Buffer {
  if (embedding.length !== EMBEDDING_DIMENSIONS) {
    throw new InvalidEmbeddingError(
      `embedding has ${embedding.length} values, expected ${EMBEDDING_DIMENSIONS}`,
    );
  }

  const packed = Buffer.alloc(EMBEDDING_BYTES);
  for (let index = 0; index < EMBEDDING_DIMENSIONS; index++) {
    const value = embedding[index] as number;
    if (!Number.isFinite(value)) {
      throw new InvalidEmbeddingError(`embedding value ${index} is not finite`);
    }
    packed.writeFloatLE(value, index * Float32Array.BYTES_PER_ELEMENT);
  }
  return packed;
}

/** Reads a packed embedding back; refuses a wrong byte length and non-finite values. */
export function unpackEmbedding(packed: Uint8Array): Float32Array {
  if (packed.byteLength !== EMBEDDING_BYTES) {
    throw new InvalidEmbeddingError(
      `packed embedding has ${packed.byteLength} bytes, expected ${EMBEDDING_BYTES}`,
    );
  }

  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const embedding = new Float32Array(EMBEDDING_DIMENSIONS);
  for (let index = 0; index < EMBEDDING_DIMENSIONS; index++) {
    const value = view.getFloat32(index * Float32Array.BYTES_PER_ELEMENT, true);
    if (!Number.isFinite(value)) {
      throw new InvalidEmbeddingError(`packed embedding value ${index} is not finite`);
    }
    embedding[index] = value;
  }
  return embedding;
}
