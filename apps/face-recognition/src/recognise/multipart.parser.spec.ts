import { describe, expect, it } from 'vitest';

import { extractMultipartFile } from './multipart.parser';
import { InvalidMultipartError } from './recognise.errors';

function multipart(boundary: string, parts: { headers: string[]; body: Buffer }[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const part of parts) {
    chunks.push(
      Buffer.from(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`),
      part.body,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const imageBytes = Buffer.from([0xff, 0xd8, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0xd9]);

describe('extractMultipartFile', () => {
  it('returns the bytes of the named field exactly, CR LF and dashes inside included', () => {
    const body = multipart('XyZ', [
      { headers: ['Content-Disposition: form-data; name="note"'], body: Buffer.from('hello') },
      {
        headers: [
          'Content-Disposition: form-data; name="image"; filename="me.jpg"',
          'Content-Type: image/jpeg',
        ],
        body: imageBytes,
      },
    ]);

    const file = extractMultipartFile(body, 'multipart/form-data; boundary=XyZ', 'image');

    expect([...file.bytes]).toEqual([...imageBytes]);
    expect(file.contentType).toBe('image/jpeg');
  });

  it('accepts a quoted boundary and does not take filename= for name=', () => {
    const body = multipart('a b', [
      {
        headers: ['Content-Disposition: form-data; filename="image"; name="other"'],
        body: Buffer.from('x'),
      },
      { headers: ['Content-Disposition: form-data; name=image'], body: imageBytes },
    ]);

    const file = extractMultipartFile(body, 'multipart/form-data; boundary="a b"', 'image');

    expect([...file.bytes]).toEqual([...imageBytes]);
  });

  it.each([
    ['no boundary parameter', 'multipart/form-data', multipart('b', [])],
    [
      'no image field',
      'multipart/form-data; boundary=b',
      multipart('b', [{ headers: ['Content-Disposition: form-data; name="x"'], body: imageBytes }]),
    ],
    [
      'an unterminated part',
      'multipart/form-data; boundary=b',
      Buffer.from('--b\r\nContent-Disposition: form-data; name="image"\r\n\r\nabc'),
    ],
    ['a body without the boundary', 'multipart/form-data; boundary=b', Buffer.from('just bytes')],
  ])('refuses %s', (_case, contentType, body) => {
    expect(() => extractMultipartFile(body, contentType, 'image')).toThrow(InvalidMultipartError);
  });
});
