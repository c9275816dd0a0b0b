// Starts the demo app: node --conditions=@antara/source --import tsx src/main.ts (npm start).
import type { AddressInfo } from 'node:net';
import { AntaraError, AntaraServer } from '@antara/server-sdk';
import { bundleBrowserApp } from './browser-bundle.js';
import { DemoConfigError, loadDemoConfig } from './config.js';
import { createDemoServer } from './server.js';

const EVENTS = ['identity.approved', 'message.delivered', 'permission.changed'] as const;

/**
 * The secret to verify deliveries with: the one given, or a fresh endpoint registered for this
 * demo's receiver (replacing endpoints an earlier run registered at the same URL).
 */
async function webhookSecret(
  antara: AntaraServer,
  given: string | undefined,
  url: string,
): Promise<string | undefined> {
  if (given) return given;
  try {
    for (const endpoint of await antara.webhooks.list()) {
      if (endpoint.url === url) await antara.webhooks.delete(endpoint.id);
    }
    const endpoint = await antara.webhooks.create({
      url,
      events: [...EVENTS],
      description: 'Antara demo app',
    });
    console.log(`Registered webhook ${endpoint.id} for ${url}`);
    return endpoint.secret;
  } catch (error) {
    if (!(error instanceof AntaraError)) throw error;
    console.warn(
      `Could not register the webhook ${url} (${error.code}: ${error.message}). For a local Antara, start it ` +
        'with ANTARA_WEBHOOK_ALLOW_PRIVATE=1; or register one yourself and set ANTARA_WEBHOOK_SECRET.',
    );
    return undefined;
  }
}

async function main(): Promise<void> {
  const config = loadDemoConfig(process.env);
  const antara = new AntaraServer({ apiKey: config.apiKey, apiBase: config.antaraUrl });
  const app = await antara.connect();
  if (app.appId !== config.appId) {
    throw new DemoConfigError(
      `ANTARA_API_KEY belongs to app ${app.appId}, not ANTARA_APP_ID ${config.appId}`,
    );
  }
  const secret = await webhookSecret(antara, config.webhookSecret, `${config.publicUrl}/webhooks/antara`);
  const server = createDemoServer({
    config,
    antara,
    pageScript: await bundleBrowserApp(),
    webhookSecret: () => secret,
  });
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    console.log(
      `Demo app "${app.name}" listening on http://${config.host}:${port} (public URL ${config.publicUrl})`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof DemoConfigError || error instanceof AntaraError ? `demo app: ${error.message}` : error,
  );
  process.exit(1);
});
