/** Distinct camera label values per metric; a camera id past it is counted as `other`. */
export const MAX_CAMERA_LABELS = 64;

/**
 * Keeps the `camera` label of metrics bounded: camera ids come from job data, and a
 * misbehaving producer must not be able to grow the metrics registry without limit.
 */
export class CameraLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max = MAX_CAMERA_LABELS) {}

  of(cameraId: string): string {
    if (this.seen.has(cameraId)) return cameraId;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(cameraId);
    return cameraId;
  }
}
