import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';

import { readCgroupMemory } from './cgroup-memory';

/** What a service adds to its memory line beyond what Node itself knows. */
export interface MemorySources {
  /** Child processes alive now (ffmpeg, for instance). */
  childProcesses?: () => number;
  /** Waiting items per queue or per camera. */
  queueDepths?: () => Promise<Record<string, number>>;
  /** Live TensorFlow.js tensors and their bytes. */
  tensors?: () => Promise<{ numTensors: number; numBytes: number }>;
}

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  handles: number;
  cgroupUsageBytes: number | null;
  cgroupLimitBytes: number | null;
  childProcesses?: number;
  queueDepths?: Record<string, number>;
  liveTensors?: number;
  tensorBytes?: number;
}

/**
 * Logs one structured line about memory on a timer and mirrors it in gauges, so a slow
 * leak shows in the logs of a service that has run for weeks.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly gauge: Gauge<'kind'>;

  constructor(
    private readonly logger: Logger,
    registry: Registry,
    private readonly sources: MemorySources = {},
  ) {
    this.gauge = new Gauge({
      name: 'edgewatch_memory_bytes',
      help:
        'Memory of this service by kind (rss, heap_used, external, array_buffers, ' +
        'cgroup_usage, cgroup_limit, tensors).',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  /** Starts sampling every `intervalMs`; 0 disables the timer. Idempotent. */
  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    this.timer = setInterval(() => void this.logSample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one sample now, updates the gauges and logs the line. */
  async logSample(): Promise<MemorySample> {
    const sample = await this.sample();
    this.logger.info({ memory: sample }, 'memory');
    return sample;
  }

  async sample(): Promise<MemorySample> {
    const usage = process.memoryUsage();
    const cgroup = readCgroupMemory();
    const sample: MemorySample = {
      rssBytes: usage.rss,
      heapUsedBytes: usage.heapUsed,
      heapTotalBytes: usage.heapTotal,
      externalBytes: usage.external,
      arrayBuffersBytes: usage.arrayBuffers,
      handles: process.getActiveResourcesInfo().length,
      cgroupUsageBytes: cgroup?.usageBytes ?? null,
      cgroupLimitBytes: cgroup?.limitBytes ?? null,
    };

    if (this.sources.childProcesses) sample.childProcesses = this.sources.childProcesses();
    if (this.sources.queueDepths)
      sample.queueDepths = await this.sources.queueDepths().catch(() => ({}));
    if (this.sources.tensors) {
      const tensors = await this.sources.tensors().catch(() => undefined);
      sample.liveTensors = tensors?.numTensors;
      sample.tensorBytes = tensors?.numBytes;
    }

    this.updateGauges(sample);
    return sample;
  }

  private updateGauges(sample: MemorySample): void {
    this.gauge.set({ kind: 'rss' }, sample.rssBytes);
    this.gauge.set({ kind: 'heap_used' }, sample.heapUsedBytes);
    this.gauge.set({ kind: 'external' }, sample.externalBytes);
    this.gauge.set({ kind: 'array_buffers' }, sample.arrayBuffersBytes);
    if (sample.cgroupUsageBytes !== null)
      this.gauge.set({ kind: 'cgroup_usage' }, sample.cgroupUsageBytes);
    if (sample.cgroupLimitBytes !== null)
      this.gauge.set({ kind: 'cgroup_limit' }, sample.cgroupLimitBytes);
    if (sample.tensorBytes !== undefined) this.gauge.set({ kind: 'tensors' }, sample.tensorBytes);
  }
}
