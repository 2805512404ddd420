import { readFileSync } from 'node:fs';

import { fixturePath } from '@edgewatch/testing';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

import { JpegFrameSplitter } from './jpeg-frame.splitter';

function collectingSplitter(maxFrameBytes = 5 * 1024 * 1024) {
  const frames: Buffer[] = [];
  const oversized: number[] = [];
  const splitter = new JpegFrameSplitter(
    { maxFrameBytes },
    { onFrame: (jpeg) => frames.push(jpeg), onOversize: (size) => oversized.push(size) },
  );
  return { splitter, frames, oversized };
}

function pushInChunks(splitter: JpegFrameSplitter, stream: Buffer, chunkSize: number): void {
  for (let offset = 0; offset < stream.length; offset += chunkSize) {
    splitter.push(stream.subarray(offset, offset + chunkSize));
  }
}

/** A COM segment right after SOI whose payload holds SOI and EOI bytes, as EXIF thumbnails do. */
function withMarkerBytesInHeader(jpeg: Buffer): Buffer {
  const payload = Buffer.from([0x41, 0xff, 0xd8, 0xff, 0xd9, 0xff, 0xd9, 0x42]);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, payload.length + 2]), payload]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

describe('JpegFrameSplitter', () => {
  const realPhotos = ['empty_room.jpg', 'bottles.jpg', 'white.jpg'].map((name) =>
    readFileSync(fixturePath('faces', '_none', name)),
  );
  let tinyFrames: Buffer[] = [];

  beforeAll(async () => {
    // Small real JPEGs (ffmpeg-like baseline and a progressive one), so a stream of them
    // can be split at every single byte offset.
    tinyFrames = await Promise.all([
      sharp(realPhotos[0]).resize(48, 36).jpeg({ quality: 70 }).toBuffer(),
      sharp(realPhotos[1]).resize(40, 30).jpeg({ quality: 90, progressive: true }).toBuffer(),
      sharp(realPhotos[0]).resize(32, 24).jpeg({ quality: 50, optimiseCoding: true }).toBuffer(),
    ]);
    tinyFrames.push(withMarkerBytesInHeader(tinyFrames[0] as Buffer));
  });

  it('returns every frame of a real stream split into two chunks at every byte offset', () => {
    const garbage = Buffer.from([0x00, 0xff, 0x12, 0xff]);
    const stream = Buffer.concat([garbage, ...tinyFrames.flatMap((frame) => [frame, garbage])]);

    for (let cut = 0; cut <= stream.length; cut++) {
      const { splitter, frames } = collectingSplitter();
      splitter.push(stream.subarray(0, cut));
      splitter.push(stream.subarray(cut));

      const intact =
        frames.length === tinyFrames.length &&
        frames.every((frame, index) => frame.equals(tinyFrames[index] as Buffer));
      expect(intact, `cut at ${cut}`).toBe(true);
    }
  });

  it('returns full-size real photos byte for byte whatever the chunk size', () => {
    const stream = Buffer.concat(realPhotos);
    for (const chunkSize of [1, 2, 3, 7, 1_000, 4_096, 65_536, stream.length]) {
      const { splitter, frames, oversized } = collectingSplitter();
      pushInChunks(splitter, stream, chunkSize);

      expect(frames.length, `chunk size ${chunkSize}`).toBe(realPhotos.length);
      frames.forEach((frame, index) =>
        expect(frame.equals(realPhotos[index] as Buffer)).toBe(true),
      );
      expect(oversized).toEqual([]);
    }
  });

  it('does not end a frame at EOI bytes inside a header segment', () => {
    const tricky = tinyFrames[3] as Buffer;
    const { splitter, frames } = collectingSplitter();
    pushInChunks(splitter, tricky, 1);

    expect(frames).toHaveLength(1);
    expect(frames[0]?.equals(tricky)).toBe(true);
  });

  it('discards and counts a frame larger than the bound, then keeps the next one', () => {
    const small = tinyFrames[0] as Buffer;
    const big = realPhotos[0] as Buffer;
    const { splitter, frames, oversized } = collectingSplitter(big.length - 1);
    pushInChunks(splitter, Buffer.concat([big, small]), 4_096);

    expect(oversized).toEqual([big.length]);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.equals(small)).toBe(true);
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('drops a truncated frame when a new one starts, and keeps the new one whole', () => {
    const whole = tinyFrames[0] as Buffer;
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const { splitter, frames } = collectingSplitter();
    splitter.push(Buffer.concat([truncated, whole]));

    expect(frames).toHaveLength(1);
    expect(frames[0]?.equals(whole)).toBe(true);
  });

  it('returns frames that do not share memory with the pushed chunks', () => {
    const whole = tinyFrames[0] as Buffer;
    const chunk = Buffer.concat([whole, whole]);
    const { splitter, frames } = collectingSplitter();
    splitter.push(chunk);
    chunk.fill(0);

    expect(frames.map((frame) => frame.equals(whole))).toEqual([true, true]);
  });
});
