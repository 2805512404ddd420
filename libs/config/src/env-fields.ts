import { z } from 'zod';

/** Environment variables arrive as strings; an empty one counts as unset so its default applies. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);

export function intField(defaultValue: number, bounds: { min?: number; max?: number } = {}) {
  let schema = z.coerce.number({ error: 'must be a number' }).int('must be a whole number');
  if (bounds.min !== undefined) schema = schema.min(bounds.min, `must be at least ${bounds.min}`);
  if (bounds.max !== undefined) schema = schema.max(bounds.max, `must be at most ${bounds.max}`);
  return z.preprocess(unsetIfEmpty, schema.default(defaultValue));
}

export function numberField(defaultValue: number, bounds: { min?: number; max?: number } = {}) {
  let schema = z.coerce.number({ error: 'must be a number' });
  if (bounds.min !== undefined) schema = schema.min(bounds.min, `must be at least ${bounds.min}`);
  if (bounds.max !== undefined) schema = schema.max(bounds.max, `must be at most ${bounds.max}`);
  return z.preprocess(unsetIfEmpty, schema.default(defaultValue));
}

export function stringField(defaultValue: string) {
  return z.preprocess(unsetIfEmpty, z.string().min(1).default(defaultValue));
}

export function optionalStringField() {
  return z.preprocess(unsetIfEmpty, z.string().min(1).optional());
}

export function urlField(defaultValue: string, protocols: readonly string[]) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .default(defaultValue)
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        { message: `must be a ${protocols.join(' or ')} URL` },
      ),
  );
}

export function enumField<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
) {
  return z.preprocess(unsetIfEmpty, z.enum(values).default(defaultValue as never));
}

export function booleanField(defaultValue: boolean) {
  return z.preprocess(
    (value) => {
      if (value === '' || value === undefined) return undefined;
      if (typeof value !== 'string') return value;
      const lowered = value.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lowered)) return true;
      if (['0', 'false', 'no', 'off'].includes(lowered)) return false;
      return value;
    },
    z.boolean({ message: 'must be true or false' }).default(defaultValue),
  );
}
