import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

import { InferenceService } from '../inference/inference.service';

/** A worker may be starting or restarting this long before liveness fails, in ms. */
export const INFERENCE_START_GRACE_MS = 180_000;

@Injectable()
export class InferenceHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly inference: InferenceService,
  ) {}

  /**
   * Liveness: the worker thread is ready, or (re)starting for less than the grace period.
   * A worker that keeps failing to start only a process restart can cure.
   */
  alive(key: string) {
    const session = this.indicators.check(key);
    const { state, sinceMs } = this.inference.status;
    const forMs = Date.now() - sinceMs;
    const details = { state, forMs };

    if (state === 'ready') return session.up(details);
    if ((state === 'starting' || state === 'restarting') && forMs < INFERENCE_START_GRACE_MS) {
      return session.up(details);
    }
    return session.down(details);
  }

  /** Readiness: the models are loaded and warm. */
  loaded(key: string) {
    const session = this.indicators.check(key);
    const ready = this.inference.ready;
    if (ready === undefined) return session.down({ state: this.inference.status.state });

    return session.up({
      backend: ready.backend,
      simd: ready.simd,
      detectors: ready.detectors,
      faceApiVersion: ready.faceApiVersion,
    });
  }
}
