import { redactUrl } from './redact';

const SECRET_KEY = /pass(word)?|secret|token|credential|apikey|api_key/i;

/** A deep copy of a config that is safe to log: secret fields masked, URL credentials removed. */
export function redactConfig<T>(config: T): T {
  return redactValue(config, '') as T;
}

function redactValue(value: unknown, key: string): unknown {
  if (SECRET_KEY.test(key) && value !== undefined && value !== null) {
    return '***';
  }
  if (typeof value === 'string') {
    return value.includes('://') ? redactUrl(value) : value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue(item, ''));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([entryKey, entryValue]) => [
        entryKey,
        redactValue(entryValue, entryKey),
      ]),
    );
  }
  return value;
}
