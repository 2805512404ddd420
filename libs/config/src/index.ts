export { ConfigError, type ConfigIssue } from './config-error';
export { type Env } from './parse-env';
export { type CommonConfig, type LogLevel } from './common.schema';
export {
  loadCameraIngestConfig,
  type CameraConfig,
  type CameraIngestConfig,
} from './camera-ingest.config';
export {
  loadFaceRecognitionConfig,
  type DetectorKind,
  type FaceRecognitionConfig,
} from './face-recognition.config';
export { redactText, redactUrl, secretsOfUrl } from './redact';
export { redactConfig } from './redact-config';
