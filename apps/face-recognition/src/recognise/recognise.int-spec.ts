import { connect } from 'node:net';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FACE_MODEL_ID } from '../inference/face-model.constants';
import {
  facePhoto,
  fixtureImage,
  postRecognise,
  startServiceHarness,
  type ServiceHarness,
} from '../testing/service.harness';

const MAX_BYTES = 1024 * 1024;
const MAX_PIXELS = 4_000_000;

/**
 * A small, well-formed PNG whose header claims width × height: an IHDR, one IDAT holding an
 * empty zlib stream, and IEND. About 60 bytes that would decode to gigabytes.
 */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const emptyZlib = Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
  return Buffer.concat([
    signature,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', emptyZlib),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0, 0);
  return Buffer.concat([length, typed, crc]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc;
}

/**
 * Streams `totalBytes` of chunked body over a raw socket as fast as the server takes it and
 * reports what was written before the server answered and closed the connection.
 */
function streamOversizedBody(
  url: string,
  totalBytes: number,
): Promise<{ response: string; bytesWritten: number }> {
  const { port } = new URL(url);
  const chunk = Buffer.alloc(64 * 1024, 0xab);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    let bytesWritten = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolve({ response, bytesWritten });
    };
    const pump = () => {
      while (!finished && !socket.destroyed && bytesWritten < totalBytes) {
        const frame = Buffer.concat([
          Buffer.from(`${chunk.length.toString(16)}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        ]);
        bytesWritten += chunk.length;
        if (!socket.write(frame)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (bytesWritten >= totalBytes && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      response += data;
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      socket.write(
        'POST /recognise HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          'Content-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      pump();
    });
  });
}

describe('POST /recognise', () => {
  let harness: ServiceHarness;

  beforeAll(async () => {
    harness = await startServiceHarness({
      env: {
        RECOGNISE_MAX_BYTES: String(MAX_BYTES),
        RECOGNISE_MAX_PIXELS: String(MAX_PIXELS),
        RECOGNISE_CONCURRENCY: '2',
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'answers a one-face photo with its 128-value embedding, ' + 'the model id and the face box',
    async () => {
      const { status, json } = await postRecognise(
        harness.url,
        facePhoto('obama', 1),
        'image/jpeg',
      );

      expect(status).toBe(200);
      const embedding = json['embedding'] as number[];
      expect(embedding).toHaveLength(128);
      expect(embedding.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...embedding)).toBeGreaterThan(0.5);
      expect(json['modelId']).toBe(FACE_MODEL_ID);
      expect(json['score']).toBeGreaterThan(0.5);
      const box = json['box'] as { width: number; height: number };
      expect(box.height).toBeGreaterThan(100);
      const metadata = await sharp(facePhoto('obama', 1)).metadata();
      expect([json['width'], json['height']]).toEqual([metadata.width, metadata.height]);
    },
  );

  it(
    'finds the face in a tight 150x150 crop ' + 'by detecting again with a margin around it',
    async () => {
      const { status, json } = await postRecognise(harness.url, facePhoto('amy', 1), 'image/jpeg');

      expect(status).toBe(200);
      expect(json['embedding']).toHaveLength(128);
      const box = json['box'] as { x: number; y: number; width: number; height: number };
      expect([json['width'], json['height']]).toEqual([150, 150]);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(150);
      expect(box.y + box.height).toBeLessThanOrEqual(150);
      expect(box.height).toBeGreaterThan(75);
    },
  );

  it('takes the photo from the image field of a multipart form', async () => {
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('image', new Blob([facePhoto('biden', 1)], { type: 'image/jpeg' }), 'biden.jpg');

    const response = await fetch(`${harness.url}/recognise`, { method: 'POST', body: form });
    const json = (await response.json()) as { embedding: number[]; modelId: string };

    expect(response.status).toBe(200);
    expect(json.embedding).toHaveLength(128);
    expect(json.modelId).toBe(FACE_MODEL_ID);
  });

  it('gives the same person a near embedding and another person a far one', async () => {
    const embed = async (person: string, index: number) =>
      (await postRecognise(harness.url, facePhoto(person, index), 'image/jpeg')).json[
        'embedding'
      ] as number[];
    const distance = (a: number[], b: number[]) =>
      Math.hypot(...a.map((value, i) => value - (b[i] ?? 0)));

    const [obama1, obama2, biden] = [
      await embed('obama', 1),
      await embed('obama', 2),
      await embed('biden', 1),
    ];

    expect(distance(obama1, obama2)).toBeLessThan(harness.config.matchThreshold);
    expect(distance(obama1, biden)).toBeGreaterThan(harness.config.matchThreshold);
  });

  it('refuses a body that is not an image type with 415', async () => {
    const { status, json } = await postRecognise(harness.url, '{"photo":"x"}', 'application/json');

    expect(status).toBe(415);
    expect(json).toEqual({
      error: 'unsupported_media_type',
      message: expect.stringContaining('application/json'),
    });
  });

  it('refuses bytes that are not an image, sent as image/jpeg, with 415', async () => {
    const { status, json } = await postRecognise(
      harness.url,
      Buffer.from('definitely not a jpeg'),
      'image/jpeg',
    );

    expect(status).toBe(415);
    expect(json['error']).toBe('not_an_image');
  });

  it('refuses a truncated JPEG with 415', async () => {
    const photo = facePhoto('obama', 1);

    const { status, json } = await postRecognise(harness.url, photo.subarray(0, 200), 'image/jpeg');

    expect(status).toBe(415);
    expect(json['error']).toBe('not_an_image');
  });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    const { status, json } = await postRecognise(
      harness.url,
      Buffer.alloc(MAX_BYTES + 1),
      'image/jpeg',
    );

    expect(status).toBe(413);
    expect(json['error']).toBe('body_too_large');
  });

  it(
    'stops reading a chunked body at the limit: ' +
      '413 and the connection closes long before the end',
    async () => {
      const totalBytes = 64 * MAX_BYTES;

      const { response, bytesWritten } = await streamOversizedBody(harness.url, totalBytes);

      expect(response).toMatch(/^HTTP\/1\.1 413 /);
      expect(response.toLowerCase()).toContain('connection: close');
      expect(response).toContain('"error":"body_too_large"');
      // What the client managed to write: the limit plus socket buffers, never the 64 MiB.
      expect(bytesWritten).toBeLessThan(totalBytes / 4);
      expect(
        await harness.metric('edgewatch_recognise_requests_total', { outcome: 'body_too_large' }),
      ).toBe(2);
    },
  );

  it(
    'refuses an image header announcing more pixels than allowed with 422, ' + 'without decoding',
    async () => {
      const { status, json } = await postRecognise(
        harness.url,
        pngClaiming(10_000, 10_000),
        'image/png',
      );

      expect(status).toBe(422);
      expect(json).toEqual({
        error: 'too_many_pixels',
        message: expect.stringContaining('10000x10000'),
      });
    },
  );

  it('refuses a real image over the pixel limit with 422', async () => {
    const large = await sharp({
      create: { width: 2100, height: 2000, channels: 3, background: '#808080' },
    })
      .png()
      .toBuffer();

    const { status, json } = await postRecognise(harness.url, large, 'image/png');

    expect(status).toBe(422);
    expect(json['error']).toBe('too_many_pixels');
  });

  it('refuses a photo without a face with 422 no_face', async () => {
    const { status, json } = await postRecognise(
      harness.url,
      fixtureImage('_none', 'empty_room.jpg'),
      'image/jpeg',
    );

    expect(status).toBe(422);
    expect(json['error']).toBe('no_face');
  });

  it('refuses a photo of several people with 422 several_faces', async () => {
    const { status, json } = await postRecognise(
      harness.url,
      fixtureImage('_group', 'obama_and_biden.jpg'),
      'image/jpeg',
    );

    expect(status).toBe(422);
    expect(json).toEqual({ error: 'several_faces', message: expect.stringContaining('2 faces') });
  });

  it(
    'answers exactly one of three simultaneous requests with 503 and Retry-After ' +
      'when two are allowed, and keeps serving',
    async () => {
      const photo = facePhoto('obama', 2);

      const answers = await Promise.all(
        [1, 2, 3].map(() => postRecognise(harness.url, photo, 'image/jpeg')),
      );

      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 200, 503]);
      const refused = answers.find((answer) => answer.status === 503);
      expect(refused?.json['error']).toBe('busy');
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      const after = await postRecognise(harness.url, photo, 'image/jpeg');
      expect(after.status).toBe(200);
      expect(await harness.metric('edgewatch_recognise_in_flight')).toBe(0);
    },
  );
});
