import { InvalidMultipartError } from './recognise.errors';

/** Parts looked at before giving up; a photo upload has one or two. */
const MAX_PARTS = 10;
/** Largest header block of one part, in bytes. */
const MAX_PART_HEADER_BYTES = 8 * 1024;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export interface MultipartFile {
  /** A view into the body, not a copy. */
  bytes: Buffer;
  /** The part's own Content-Type, when it states one. */
  contentType: string | undefined;
}

/**
 * Finds the file of form field `fieldName` in a multipart/form-data body (RFC 7578).
 *
 * Deliberately small: the body has already been read whole under RECOGNISE_MAX_BYTES (the
 * image must be in memory for decoding anyway), so a streaming parser would bound nothing
 * more, and this avoids a dependency. It copies nothing and looks at a bounded number of
 * parts and header bytes.
 */
export function extractMultipartFile(
  body: Buffer,
  contentType: string,
  fieldName: string,
): MultipartFile {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);

  let position = body.indexOf(delimiter);
  if (position < 0)
    throw new InvalidMultipartError('the body does not contain the multipart boundary');

  for (let part = 0; part < MAX_PARTS; part++) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString('latin1') === '--') break;
    if (!body.subarray(position, position + 2).equals(CRLF)) {
      throw new InvalidMultipartError('a multipart boundary is not followed by a line break');
    }
    position += CRLF.length;

    const headerEnd = body.indexOf(HEADER_END, position);
    if (headerEnd < 0 || headerEnd - position > MAX_PART_HEADER_BYTES) {
      throw new InvalidMultipartError('a multipart part has no end of headers');
    }
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('latin1'));
    const contentStart = headerEnd + HEADER_END.length;

    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), contentStart);
    if (next < 0) throw new InvalidMultipartError('a multipart part is not terminated');

    if (fieldNameOf(headers['content-disposition']) === fieldName) {
      return { bytes: body.subarray(contentStart, next), contentType: headers['content-type'] };
    }
    position = next + CRLF.length;
  }
  throw new InvalidMultipartError(`no "${fieldName}" field in the multipart body`);
}

function boundaryOf(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined)
    throw new InvalidMultipartError('multipart/form-data without a boundary');
  return boundary;
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function fieldNameOf(disposition: string | undefined): string | undefined {
  if (disposition === undefined || !/^form-data\b/i.test(disposition)) return undefined;
  const match = /;\s*name=(?:"([^"]*)"|([^\s;]+))/i.exec(disposition);
  return match?.[1] ?? match?.[2];
}
