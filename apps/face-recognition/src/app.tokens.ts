/** The service's validated FaceRecognitionConfig. */
export const FACE_RECOGNITION_CONFIG = Symbol('FACE_RECOGNITION_CONFIG');
