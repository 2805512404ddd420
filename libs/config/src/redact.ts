const REDACTED = '***';

/** Matches `scheme://user:password@` and `scheme://user@` in free text such as ffmpeg's stderr. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(?::([^\s/@]*))?@/gi;

/**
 * Replaces the user and password of a URL with `***`, keeping the host and path so an
 * operator can still tell which camera a line is about. Text that is not a URL is
 * passed through `redactText`.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) {
      return url;
    }
    parsed.username = parsed.username ? REDACTED : '';
    parsed.password = parsed.password ? REDACTED : '';
    return parsed.toString();
  } catch {
    return redactText(url);
  }
}

/**
 * Removes credentials from any URL inside `text` and every occurrence of the given
 * secrets (for example a password that ffmpeg prints percent-decoded).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let redacted = text.replace(URL_CREDENTIALS, (_match, scheme: string, _user: string, pass) =>
    pass === undefined ? `${scheme}${REDACTED}@` : `${scheme}${REDACTED}:${REDACTED}@`,
  );
  for (const secret of secrets) {
    if (secret.length >= 3) {
      redacted = redacted.split(secret).join(REDACTED);
    }
  }
  return redacted;
}

/** The user and password inside a URL, decoded and raw, for use with `redactText`. */
export function secretsOfUrl(url: string): string[] {
  try {
    const parsed = new URL(url);
    const secrets = [parsed.password, safeDecode(parsed.password)].filter((s) => s.length > 0);
    return [...new Set(secrets)];
  } catch {
    return [];
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
