/** Injection token of the validated CameraIngestConfig. */
export const CAMERA_INGEST_CONFIG = Symbol('CAMERA_INGEST_CONFIG');
