import { readFileSync } from 'node:fs';

import { fixturePath, repoRoot } from '@edgewatch/testing';
import Ajv from 'ajv';
import draft07MetaSchema from 'ajv/dist/refs/json-schema-draft-07.json';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

interface ComposeService {
  mem_limit?: string;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  init?: boolean;
}

function loadCompose(): { services: Record<string, ComposeService> } {
  return parseYaml(readFileSync(`${repoRoot()}/compose.yaml`, 'utf8'), { merge: true });
}

function bytesOf(limit: string): number {
  const match = /^(\d+)([kmg])$/i.exec(limit);
  if (!match) throw new Error(`unexpected memory limit ${limit}`);
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

/** The schema names draft-07 by its https id, which Ajv registers under http. */
function composeValidator() {
  const schema = JSON.parse(readFileSync(fixturePath('schemas', 'compose-spec.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema({ ...draft07MetaSchema, $id: 'https://json-schema.org/draft-07/schema' });
  return ajv.compile(schema);
}

describe('compose.yaml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = composeValidator();

    const valid = validate(loadCompose());

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a validator that rejects what the specification forbids', () => {
    const validate = composeValidator();
    const broken = loadCompose() as { services: Record<string, Record<string, unknown>> };
    broken.services['redis']!['mem_limits'] = '96m';

    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('mem_limits');
  });

  it('gives every service a memory limit, a health check and an init process', () => {
    const { services } = loadCompose();

    expect(Object.keys(services).sort()).toEqual(['camera-ingest', 'face-recognition', 'redis']);
    for (const [name, service] of Object.entries(services)) {
      expect(service.mem_limit, `${name} mem_limit`).toMatch(/^\d+[kmg]$/i);
      expect(service.healthcheck?.test?.length, `${name} healthcheck`).toBeGreaterThan(0);
      expect(service.init, `${name} init`).toBe(true);
    }
  });

  it('fits the stack in a 2 GB Pi with room for the OS and Docker', () => {
    const { services } = loadCompose();

    const total = Object.values(services).reduce(
      (sum, service) => sum + bytesOf(service.mem_limit ?? '0k'),
      0,
    );

    expect(total).toBeLessThanOrEqual(1.3 * 1024 ** 3);
  });

  it('starts the apps only once Redis is healthy', () => {
    const { services } = loadCompose();

    for (const app of ['camera-ingest', 'face-recognition']) {
      expect(services[app]?.depends_on?.['redis']?.condition).toBe('service_healthy');
    }
  });
});
