import type { CallOptions, Transport } from './transport.js';
import type { EventType } from './types.js';
import { Webhooks } from './webhooks.js';

/** A registered webhook endpoint of your app (`/app/v1/webhooks`). Never carries the secret. */
export interface WebhookEndpoint {
  id: string;
  appId: string;
  url: string;
  description: string | null;
  events: EventType[];
  status: 'enabled' | 'disabled';
  [field: string]: unknown;
}

/** The endpoint just registered, with its `whsec_` signing secret: shown this once. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

type AppAuth = Pick<CallOptions, 'bearer' | 'onUnauthorized'>;

/**
 * `antara.webhooks`: verify deliveries (see {@link Webhooks}) and manage your app's endpoints
 * with its app token.
 *
 * @example
 * ```ts
 * import { AntaraServer } from '@antara/server-sdk';
 * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
 * const { secret } = await antara.webhooks.create({ url: 'https://yourapp.com/webhook', events: ['identity.approved', 'message.delivered'] });
 * console.log(secret.startsWith('whsec_')); // keep it: verify() needs it
 * ```
 */
export class AppWebhooks extends Webhooks {
  readonly #transport: Transport;
  readonly #auth: () => AppAuth;

  /** @internal Made by {@link AntaraServer}. */
  constructor(now: () => number, transport: Transport, auth: () => AppAuth) {
    super(now);
    this.#transport = transport;
    this.#auth = auth;
  }

  /**
   * Registers an endpoint for some events (`POST /app/v1/webhooks`) and returns it with its
   * signing secret, which Antara never shows again. Antara refuses URLs on private networks unless
   * its operator allows them.
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const endpoint = await antara.webhooks.create({ url: 'https://yourapp.com/webhook', events: ['message.delivered'], description: 'production' });
   * console.log(endpoint.id, endpoint.secret);
   * ```
   */
  async create(input: {
    url: string;
    events: EventType[];
    description?: string;
  }): Promise<CreatedWebhookEndpoint> {
    const result = await this.#transport.call<CreatedWebhookEndpoint>({
      method: 'POST',
      path: '/app/v1/webhooks',
      body: input,
      retry: 'unprocessed',
      ...this.#auth(),
    });
    return result.data;
  }

  /**
   * The app's webhook endpoints (`GET /app/v1/webhooks`).
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * for (const endpoint of await antara.webhooks.list()) console.log(endpoint.url, endpoint.status);
   * ```
   */
  async list(): Promise<WebhookEndpoint[]> {
    const result = await this.#transport.call<WebhookEndpoint[]>({
      method: 'GET',
      path: '/app/v1/webhooks',
      retry: 'safe',
      ...this.#auth(),
    });
    return result.data;
  }

  /**
   * Deletes an endpoint and its delivery history (`DELETE /app/v1/webhooks/:id`).
   *
   * @example
   * ```ts
   * import { AntaraServer } from '@antara/server-sdk';
   * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
   * const stale = (await antara.webhooks.list()).filter((e) => e.url === 'https://old.example/webhook');
   * for (const endpoint of stale) await antara.webhooks.delete(endpoint.id);
   * ```
   */
  async delete(id: string): Promise<void> {
    await this.#transport.call<{ deleted: true }>({
      method: 'DELETE',
      path: `/app/v1/webhooks/${encodeURIComponent(id)}`,
      retry: 'safe',
      ...this.#auth(),
    });
  }
}
