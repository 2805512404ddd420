/**
 * The face-api release whose weights are loaded. Treated as frozen (PITFALLS.md); a unit
 * test fails when the installed package differs, so an upgrade is a deliberate change of
 * FACE_MODEL_ID and with it a re-computation of every stored embedding.
 */
export const FACE_API_VERSION = '1.7.15';

/**
 * Names the model that makes embeddings: the recognition net fed by faces aligned with the
 * 68-point landmark net. Stored beside every embedding; rows of another id are not compared.
 */
export const FACE_MODEL_ID = `face-api-${FACE_API_VERSION}/faceRecognitionNet+landmark68`;

/**
 * Live frames are scaled to this width before detection, whatever the camera sends, so the
 * WASM heap (which grows to the largest input and never shrinks) has one frame shape.
 */
export const LIVE_FRAME_WIDTH_PX = 640;

/** Photos sent to `/recognise` are scaled down so their longest side is at most this. */
export const PHOTO_MAX_SIDE_PX = 1024;

/** Minimum SSD confidence for enrolment photos. */
export const PHOTO_MIN_SCORE = 0.5;

/**
 * Margin added around an enrolment photo in which no face was found, as a fraction of its
 * longest side. Measured on 150×150 face crops: SSD found 7 faces in 40 without a margin,
 * 36 in 40 with this one.
 */
export const PHOTO_NO_FACE_MARGIN_FRACTION = 0.5;
