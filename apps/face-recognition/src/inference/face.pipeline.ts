import type { FaceApi } from './face-api.loader';
import type { DecodedImage } from './image.decoder';
import type { DetectorSpec, FaceBox } from './inference.protocol';

export interface FaceQuery {
  detector: DetectorSpec;
  /** Faces shorter than this, in original image pixels, are not described. */
  minFaceHeightPx: number;
  /** At most this many faces, highest scores first, are described. */
  maxFaces: number;
}

export interface DescribedFace {
  /** In original image coordinates (after EXIF orientation). */
  box: FaceBox;
  score: number;
  descriptor: Float32Array;
}

export interface FacePipelineResult {
  faces: DescribedFace[];
  /** Faces the detector found, before the size filter and the cap. */
  detectedCount: number;
  skippedTooSmall: number;
  skippedOverCap: number;
  detectMs: number;
  describeMs: number;
}

type FaceDetection = Awaited<ReturnType<FaceApi['detectAllFaces']>>[number];
type InputTensor = ReturnType<FaceApi['tf']['tensor3d']>;

/** Detect, filter, then describe only the faces kept. Every tensor it makes is disposed. */
export class FacePipeline {
  constructor(private readonly faceapi: FaceApi) {}

  async detectAndDescribe(image: DecodedImage, query: FaceQuery): Promise<FacePipelineResult> {
    const input = this.faceapi.tf.tensor3d(image.rgb, [image.height, image.width, 3], 'int32');
    try {
      const detectStart = performance.now();
      const detections = await this.faceapi.detectAllFaces(input, this.options(query.detector));
      const detectMs = performance.now() - detectStart;

      const minHeightInInput = query.minFaceHeightPx * image.scale;
      const largeEnough = detections.filter((face) => face.box.height >= minHeightInInput);
      const selected = [...largeEnough].sort((a, b) => b.score - a.score).slice(0, query.maxFaces);

      const describeStart = performance.now();
      const faces = selected.length === 0 ? [] : await this.describe(input, selected, image);

      return {
        faces,
        detectedCount: detections.length,
        skippedTooSmall: detections.length - largeEnough.length,
        skippedOverCap: largeEnough.length - selected.length,
        detectMs,
        describeMs: performance.now() - describeStart,
      };
    } finally {
      input.dispose();
    }
  }

  private options(detector: DetectorSpec) {
    if (detector.kind === 'tiny') {
      return new this.faceapi.TinyFaceDetectorOptions({
        inputSize: detector.inputSize,
        scoreThreshold: detector.minScore,
      });
    }
    return new this.faceapi.SsdMobilenetv1Options({ minConfidence: detector.minScore });
  }

  /**
   * face-api's own landmark and descriptor tasks, run on the selected faces only: chaining
   * them after detectAllFaces would describe every detection, which is what makes a group
   * photo expensive.
   */
  private async describe(
    input: InputTensor,
    detections: FaceDetection[],
    image: DecodedImage,
  ): Promise<DescribedFace[]> {
    const withDetections = detections.map((face) => this.faceapi.extendWithFaceDetection({}, face));
    const described = await new this.faceapi.DetectAllFaceLandmarksTask(
      Promise.resolve(withDetections),
      input,
      false,
    ).withFaceDescriptors();

    return described.map((face) => ({
      box: toOriginalBox(face.detection.box, image),
      score: face.detection.score,
      // A copy owning its buffer, so it can be transferred to the main thread on its own.
      descriptor: Float32Array.from(face.descriptor),
    }));
  }
}

/** From decoded-image pixels (margin included) to the original image's, clipped to it. */
function toOriginalBox(
  box: { x: number; y: number; width: number; height: number },
  image: DecodedImage,
): FaceBox {
  const toOriginal = (decoded: number, limit: number) =>
    Math.min(limit, Math.max(0, (decoded - image.marginPx) / image.scale));
  const left = toOriginal(box.x, image.originalWidth);
  const top = toOriginal(box.y, image.originalHeight);
  const right = toOriginal(box.x + box.width, image.originalWidth);
  const bottom = toOriginal(box.y + box.height, image.originalHeight);
  return {
    x: Math.round(left),
    y: Math.round(top),
    width: Math.round(right - left),
    height: Math.round(bottom - top),
  };
}
