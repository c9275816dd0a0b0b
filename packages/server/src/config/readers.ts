import { ConfigError } from './config-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function readString(env: Env, name: string, fallback: string): string {
  return present(env, name) ?? fallback;
}

export function readOptional(env: Env, name: string): string | undefined {
  return present(env, name);
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(
      name,
      `"${raw}" is not a whole number from ${min} to ${max}`,
      `set ${name}=${fallback}`,
    );
  }
  return value;
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `"${raw}" is not a boolean`, `set ${name}=1 or ${name}=0`);
}

export function readUrl(
  env: Env,
  name: string,
  protocols: readonly string[],
  example: string,
): URL | undefined {
  const raw = present(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${redact(raw)}" is not a URL`, `set it like ${example}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(
      name,
      `the scheme ${url.protocol} is not supported (use ${protocols.join(' or ')})`,
      `set it like ${example}`,
    );
  }
  return url;
}

export function readList(env: Env, name: string): string[] {
  const raw = present(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Hides a password in a URL before it is echoed in an error. */
export function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
