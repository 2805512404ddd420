import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { NestFactory } from '@nestjs/core';
import { Counter, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';

import { readCgroupMemory } from './cgroup-memory';
import { createLogger } from './logger';
import { MemorySampler } from './memory-sampler';
import { readMetric } from './metrics';
import { LogRateLimiter } from './rate-limited-log';
import { TelemetryModule } from './telemetry.module';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and masks secret fields', () => {
    const { lines, destination } = capture();
    const logger = createLogger({
      service: 'camera-ingest',
      level: 'info',
      format: 'json',
      destination,
    });

    logger.info(
      {
        camera: { id: 'entrance', rtspUrl: 'rtsp://admin:hunter22@10.0.0.5/live' },
        descriptor: [0.1, 0.2],
      },
      'camera configured',
    );

    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line['service']).toBe('camera-ingest');
    expect(line['msg']).toBe('camera configured');
    expect(lines[0]).not.toContain('hunter22');
    expect(line['descriptor']).toBe('***');
    expect((line['camera'] as Record<string, unknown>)['id']).toBe('entrance');
  });
});

describe('MemorySampler', () => {
  it(
    'logs one line with process memory and what the service adds, ' + 'and sets the gauges',
    async () => {
      const { lines, destination } = capture();
      const logger = createLogger({ service: 'test', level: 'info', format: 'json', destination });
      const registry = new Registry();
      const sampler = new MemorySampler(logger, registry, {
        childProcesses: () => 2,
        queueDepths: async () => ({ entrance: 1 }),
        tensors: async () => ({ numTensors: 319, numBytes: 46_881_088 }),
      });

      const sample = await sampler.logSample();

      expect(sample.rssBytes).toBeGreaterThan(10 * 2 ** 20);
      expect(sample.childProcesses).toBe(2);
      expect(sample.queueDepths).toEqual({ entrance: 1 });
      expect(sample.liveTensors).toBe(319);
      const line = JSON.parse(lines[0] ?? '{}') as {
        memory: { rssBytes: number; handles: number };
      };
      expect(line.memory.rssBytes).toBe(sample.rssBytes);
      expect(line.memory.handles).toBeGreaterThanOrEqual(0);
      expect(await readMetric(registry, 'edgewatch_memory_bytes', { kind: 'tensors' })).toBe(
        46_881_088,
      );
      expect(await readMetric(registry, 'edgewatch_memory_bytes', { kind: 'rss' })).toBe(
        sample.rssBytes,
      );
    },
  );
});

describe('readCgroupMemory', () => {
  const roots: string[] = [];
  afterAll(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

  function fakeSystem(cgroupLine: string, files: Record<string, string>) {
    const root = mkdtempSync(join(tmpdir(), 'edgewatch-cgroup-'));
    roots.push(root);
    writeFileSync(join(root, 'self-cgroup'), cgroupLine);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, 'fs', path, '..'), { recursive: true });
      writeFileSync(join(root, 'fs', path), content);
    }
    return { procSelfCgroup: join(root, 'self-cgroup'), fsRoot: join(root, 'fs') };
  }

  it('reads a v1 memory controller limit and usage for the process cgroup', () => {
    const system = fakeSystem('11:memory:/edgewatch/face-recognition\n1:cpu:/\n', {
      'memory/edgewatch/face-recognition/memory.limit_in_bytes': '805306368\n',
      'memory/edgewatch/face-recognition/memory.usage_in_bytes': '524288000\n',
    });

    expect(readCgroupMemory(system.procSelfCgroup, system.fsRoot)).toEqual({
      version: 'v1',
      limitBytes: 805306368,
      usageBytes: 524288000,
    });
  });

  it('treats v1 "unlimited" and v2 "max" as no limit', () => {
    const v1 = fakeSystem('5:memory:/\n', {
      'memory/memory.limit_in_bytes': '9223372036854771712\n',
      'memory/memory.usage_in_bytes': '1000\n',
    });
    const v2 = fakeSystem('0::/app\n', {
      'app/memory.max': 'max\n',
      'app/memory.current': '2000\n',
    });

    expect(readCgroupMemory(v1.procSelfCgroup, v1.fsRoot)?.limitBytes).toBeNull();
    expect(readCgroupMemory(v2.procSelfCgroup, v2.fsRoot)).toEqual({
      version: 'v2',
      limitBytes: null,
      usageBytes: 2000,
    });
  });

  it('returns null when no memory controller is mounted (Raspberry Pi OS default)', () => {
    const system = fakeSystem('5:cpu:/\n', {});

    expect(readCgroupMemory(system.procSelfCgroup, system.fsRoot)).toBeNull();
  });
});

describe('LogRateLimiter', () => {
  it('lets one line per key and interval through and reports how many were suppressed', () => {
    let now = 0;
    const limiter = new LogRateLimiter(1_000, 10, () => now);

    const results = [limiter.take('entrance'), limiter.take('entrance'), limiter.take('lobby')];
    now = 500;
    results.push(limiter.take('entrance'));
    now = 1_000;
    results.push(limiter.take('entrance'));

    expect(results).toEqual([0, null, 0, null, 2]);
  });

  it('forgets the oldest key beyond its bound', () => {
    const limiter = new LogRateLimiter(60_000, 2, () => 0);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');

    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('c')).toBeNull();
  });
});

describe('TelemetryModule', () => {
  it('serves /metrics in the Prometheus text format with its content type', async () => {
    const registry = new Registry();
    new Counter({
      name: 'edgewatch_test_total',
      help: 'A test counter.',
      registers: [registry],
    }).inc(3);
    const logger = createLogger({ service: 'test', level: 'silent', format: 'json' });
    const app = await NestFactory.create(TelemetryModule.forRoot({ logger, registry }), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');

    try {
      const response = await fetch(`${await app.getUrl()}/metrics`);
      const body = await response.text();

      expect(response.status).toBe(200);
      const contentType = response.headers.get('content-type') ?? '';
      expect(contentType.split(';')[0]).toBe('text/plain');
      expect(contentType).toContain('version=0.0.4');
      expect(body).toContain('edgewatch_test_total 3');
    } finally {
      await app.close();
    }
  });
});
