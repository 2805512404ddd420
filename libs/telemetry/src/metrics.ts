import { collectDefaultMetrics, Registry } from 'prom-client';

/** A service's own Prometheus registry, with Node's default metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Reads one counter or gauge value (with labels) from a registry, for tests and reports. */
export async function readMetric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;

  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  );
  return match?.value;
}
