import sharp, { type Metadata } from 'sharp';

export type ResizePolicy =
  /** Scale to exactly this width (up or down), so every frame has one shape. */
  | { kind: 'fixed-width'; widthPx: number }
  /** Scale down so the longest side is at most this; never scale up. */
  | { kind: 'max-side'; maxSidePx: number };

export interface DecodedImage {
  /** Packed RGB, 3 bytes a pixel, row-major. */
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Size as displayed (after EXIF orientation), before resizing. */
  originalWidth: number;
  originalHeight: number;
  /** Scale of the image inside the decoded one: decoded size / original size. */
  scale: number;
  /** Margin added on every side, in decoded pixels (0 unless a margin was asked for). */
  marginPx: number;
}

export interface DecodeOptions {
  /**
   * Adds a grey margin on every side, as a fraction of the image's longest side. The image
   * is scaled down first so that the result still fits the resize policy's bound.
   */
  marginFraction?: number;
}

export interface ImageSize {
  format: AcceptedImageFormat;
  width: number;
  height: number;
}

export type AcceptedImageFormat = 'jpeg' | 'png' | 'webp';

const ACCEPTED_FORMATS: ReadonlySet<string> = new Set<AcceptedImageFormat>(['jpeg', 'png', 'webp']);

/** The bytes are not a JPEG, PNG or WEBP image that can be decoded. */
export class NotAnImageError extends Error {
  override readonly name = 'NotAnImageError';
}

/** The image header announces more pixels than allowed; nothing was decoded. */
export class TooManyPixelsError extends Error {
  override readonly name = 'TooManyPixelsError';

  constructor(
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super(`image is ${width}x${height}, more than the limit of ${maxPixels} pixels`);
  }
}

/**
 * Reads format and displayed size from the header only (sharp's metadata decodes no pixel)
 * and refuses images over `maxPixels`.
 */
export async function readImageSize(bytes: Uint8Array, maxPixels: number): Promise<ImageSize> {
  if (bytes.byteLength === 0) throw new NotAnImageError('empty body');

  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch (error: unknown) {
    throw new NotAnImageError(`unreadable image: ${errorMessage(error)}`);
  }

  if (metadata.format === undefined || !ACCEPTED_FORMATS.has(metadata.format)) {
    throw new NotAnImageError(`unsupported image format: ${metadata.format ?? 'unknown'}`);
  }
  const { width, height } = metadata.autoOrient;
  if (!(width > 0 && height > 0)) throw new NotAnImageError('image header has no size');
  if (width * height > maxPixels) throw new TooManyPixelsError(width, height, maxPixels);

  return { format: metadata.format as AcceptedImageFormat, width, height };
}

/**
 * Decodes JPEG, PNG or WEBP bytes to packed RGB at a bounded size. The pixel count is
 * checked from the header first, and sharp enforces the same limit while decoding in case
 * the header lies.
 */
export async function decodeImage(
  bytes: Uint8Array,
  policy: ResizePolicy,
  maxPixels: number,
  options: DecodeOptions = {},
): Promise<DecodedImage> {
  const original = await readImageSize(bytes, maxPixels);
  const marginFraction = Math.max(0, options.marginFraction ?? 0);
  const image = targetSize(original, policy, 1 / (1 + 2 * marginFraction));
  const marginPx = Math.round(marginFraction * Math.max(image.width, image.height));
  const target = { width: image.width + 2 * marginPx, height: image.height + 2 * marginPx };

  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .autoOrient()
      .resize(image.width, image.height, { fit: 'fill' })
      .extend({
        top: marginPx,
        bottom: marginPx,
        left: marginPx,
        right: marginPx,
        background: { r: 128, g: 128, b: 128 },
      })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });

    if (info.channels !== 3 || info.width !== target.width || info.height !== target.height) {
      throw new NotAnImageError(
        `decoder returned ${info.width}x${info.height}x${info.channels}, ` +
          `expected ${target.width}x${target.height}x3`,
      );
    }
    return {
      rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      originalWidth: original.width,
      originalHeight: original.height,
      scale: image.width / original.width,
      marginPx,
    };
  } catch (error: unknown) {
    if (error instanceof NotAnImageError) throw error;
    throw new NotAnImageError(`cannot decode image: ${errorMessage(error)}`);
  }
}

function targetSize(
  original: { width: number; height: number },
  policy: ResizePolicy,
  shrink: number,
) {
  const scale =
    shrink *
    (policy.kind === 'fixed-width'
      ? policy.widthPx / original.width
      : Math.min(1, policy.maxSidePx / Math.max(original.width, original.height)));
  return {
    width: Math.max(1, Math.round(original.width * scale)),
    height: Math.max(1, Math.round(original.height * scale)),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
