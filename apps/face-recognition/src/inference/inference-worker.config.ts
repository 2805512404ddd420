import type { FaceRecognitionConfig } from '@edgewatch/config';

import {
  LIVE_FRAME_WIDTH_PX,
  PHOTO_MAX_SIDE_PX,
  PHOTO_MIN_SCORE,
  PHOTO_NO_FACE_MARGIN_FRACTION,
} from './face-model.constants';
import type { InferenceWorkerConfig } from './inference.protocol';

/** Tiny-detector input size for photos, used only when RECOGNISE_DETECTOR is `tiny`. */
const PHOTO_TINY_INPUT_SIZE = 416;

/** The worker's settings from the service's validated configuration. */
export function inferenceWorkerConfig(config: FaceRecognitionConfig): InferenceWorkerConfig {
  return {
    backend: 'auto',
    profiles: {
      live: {
        detector: {
          kind: config.live.detector,
          inputSize: config.live.inputSize,
          minScore: config.live.minScore,
        },
        resize: { kind: 'fixed-width', widthPx: LIVE_FRAME_WIDTH_PX },
      },
      photo: {
        detector: {
          kind: config.recognise.detector,
          inputSize: PHOTO_TINY_INPUT_SIZE,
          minScore: PHOTO_MIN_SCORE,
        },
        resize: { kind: 'max-side', maxSidePx: PHOTO_MAX_SIDE_PX },
        noFaceMarginFraction: PHOTO_NO_FACE_MARGIN_FRACTION,
      },
    },
    maxInputPixels: config.recognise.maxPixels,
    maxFacesLimit: Math.max(config.maxFacesPerFrame, 2),
    modelDir: config.modelDir,
  };
}
