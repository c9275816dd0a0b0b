/** The demo app's settings, from the environment. */
export interface DemoConfig {
  host: string;
  port: number;
  /** Where people reach the demo; the redirect URI is this + `/callback`. */
  publicUrl: string;
  /** Where Antara runs. */
  antaraUrl: string;
  appId: string;
  apiKey: string;
  /** The `whsec_` secret of an endpoint registered by hand; without it the demo registers its own. */
  webhookSecret: string | undefined;
}

export class DemoConfigError extends Error {}

function required(env: NodeJS.ProcessEnv, name: string, fix: string): string {
  const value = env[name]?.trim();
  if (!value) throw new DemoConfigError(`${name} is not set: ${fix}`);
  return value;
}

export function loadDemoConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new DemoConfigError(`PORT "${env.PORT}" is not a port`);
  const create =
    'run `npm run antara -- app create --owner you@example.com --name "Demo app" --redirect-uri http://127.0.0.1:3000/callback`';
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    publicUrl: (env.DEMO_PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    antaraUrl: (env.ANTARA_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
    appId: required(env, 'ANTARA_APP_ID', `${create} and copy the app id`),
    apiKey: required(env, 'ANTARA_API_KEY', `${create} and copy the antara_live_ key`),
    webhookSecret: env.ANTARA_WEBHOOK_SECRET?.trim() || undefined,
  };
}
