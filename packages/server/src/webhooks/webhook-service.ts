import { EVENT_TYPES, type EventType } from '@antara/protocol';
import type { Config } from '../config/config.js';
import { AntaraError } from '../errors/antara-error.js';
import type { Clock } from '../lib/clock.js';
import type { Random } from '../lib/random.js';
import type { Repositories } from '../storage/repositories/index.js';
import type { WebhookDeliveryRow } from '../storage/repositories/webhook-deliveries.js';
import type { WebhookEndpointRow } from '../storage/repositories/webhook-endpoints.js';
import type { DestinationPolicy } from './address-policy.js';
import { checkWebhookUrl, destinationPolicy, type HostResolver, systemResolver } from './destination.js';
import { newDelivery } from './new-delivery.js';
import { createSecretBox, type SecretBox } from './secret-box.js';
import { newSigningSecret } from './signature.js';

/** How long the previous secret keeps signing beside the new one after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
export const MAX_ENDPOINTS_PER_APP = 20;
/** The `type` of the payload `POST …/webhooks/:id/test` sends; not a subscribable event. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Who made a change, for the audit log. */
export interface WebhookActor {
  userId: string | null;
  via: 'api' | 'app-token';
}

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string | null;
}

export interface EndpointChanges {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

export interface WebhookService {
  readonly policy: DestinationPolicy;
  readonly resolve: HostResolver;
  create(
    appId: string,
    input: EndpointInput,
    actor: WebhookActor,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }>;
  get(appId: string, id: string): Promise<WebhookEndpointRow>;
  update(
    appId: string,
    id: string,
    changes: EndpointChanges,
    actor: WebhookActor,
  ): Promise<WebhookEndpointRow>;
  remove(appId: string, id: string, actor: WebhookActor): Promise<void>;
  rotateSecret(
    appId: string,
    id: string,
    actor: WebhookActor,
  ): Promise<{ endpoint: WebhookEndpointRow; secret: string }>;
  /** Queues a `webhook.test` delivery to this endpoint only. */
  sendTest(appId: string, id: string): Promise<WebhookDeliveryRow>;
  redeliver(appId: string, endpointId: string, deliveryId: string): Promise<WebhookDeliveryRow>;
  /** The secrets that sign a delivery made now: the current one, and the previous during its overlap. */
  signingSecrets(endpoint: WebhookEndpointRow, now: number): string[];
}

export function createWebhookService(deps: {
  config: Config;
  repos: Repositories;
  clock: Clock;
  random: Random;
  secret: string;
  resolve?: HostResolver;
}): WebhookService {
  const { repos, clock, random } = deps;
  const policy = destinationPolicy(deps.config.webhooks);
  const resolve = deps.resolve ?? systemResolver;
  const box: SecretBox = createSecretBox(deps.secret);
  // Opened secrets by sealed value, so that a busy endpoint is not decrypted on every attempt.
  const opened = new Map<string, string>();
  const open = (sealed: string, endpointId: string): string => {
    let secret = opened.get(sealed);
    if (secret === undefined) {
      secret = box.open(sealed, endpointId);
      if (opened.size >= 1000) opened.clear();
      opened.set(sealed, secret);
    }
    return secret;
  };

  async function find(appId: string, id: string): Promise<WebhookEndpointRow> {
    const endpoint = await repos.webhookEndpoints.findForApp(appId, id);
    if (!endpoint) throw new AntaraError('not_found', 'No such webhook endpoint.');
    return endpoint;
  }

  async function audit(appId: string, actor: WebhookActor, action: string, details: Record<string, unknown>) {
    await repos.auditLog.insert({
      id: random.uuid(),
      app_id: appId,
      actor_user_id: actor.userId,
      action,
      details: JSON.stringify({ ...details, via: actor.via }),
      created_at: clock.now(),
    });
  }

  return {
    policy,
    resolve,

    async create(appId, input, actor) {
      const url = await checkWebhookUrl(input.url, policy, resolve);
      const events = checkEvents(input.events);
      if ((await repos.webhookEndpoints.countByApp(appId)) >= MAX_ENDPOINTS_PER_APP) {
        throw new AntaraError('limit_reached', `An app may have ${MAX_ENDPOINTS_PER_APP} webhook endpoints.`);
      }
      const id = random.uuid();
      const secret = newSigningSecret(random);
      const now = clock.now();
      const endpoint: WebhookEndpointRow = {
        id,
        app_id: appId,
        url: url.href,
        description: input.description ?? null,
        events: JSON.stringify(events),
        secret_sealed: box.seal(secret, id),
        previous_secret_sealed: null,
        previous_secret_expires_at: null,
        status: 'enabled',
        disabled_reason: null,
        disabled_at: null,
        owner_notified_at: null,
        failing_since: null,
        created_at: now,
        updated_at: now,
      };
      await repos.webhookEndpoints.insert(endpoint);
      await audit(appId, actor, 'webhook.created', { endpointId: id, url: endpoint.url, events });
      return { endpoint, secret };
    },

    get: find,

    async update(appId, id, changes, actor) {
      const endpoint = await find(appId, id);
      const now = clock.now();
      const url =
        changes.url === undefined ? undefined : (await checkWebhookUrl(changes.url, policy, resolve)).href;
      const events = changes.events === undefined ? undefined : checkEvents(changes.events);
      const enabling = changes.enabled === true && endpoint.status === 'disabled';
      const disabling = changes.enabled === false && endpoint.status === 'enabled';
      const updated = await repos.webhookEndpoints.updateForApp(appId, id, {
        ...(url !== undefined ? { url } : {}),
        ...(events !== undefined ? { events: JSON.stringify(events) } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(enabling
          ? {
              status: 'enabled',
              disabled_reason: null,
              disabled_at: null,
              owner_notified_at: null,
              failing_since: null,
            }
          : {}),
        ...(disabling ? { status: 'disabled', disabled_reason: 'manual', disabled_at: now } : {}),
        updated_at: now,
      });
      if (!updated) throw new AntaraError('not_found', 'No such webhook endpoint.');
      if (disabling) await repos.webhookDeliveries.failPendingOfEndpoint(id, now);
      await audit(appId, actor, 'webhook.updated', {
        endpointId: id,
        ...(url !== undefined ? { url } : {}),
        ...(events !== undefined ? { events } : {}),
        ...(enabling ? { enabled: true } : disabling ? { enabled: false } : {}),
      });
      return updated;
    },

    async remove(appId, id, actor) {
      if (!(await repos.webhookEndpoints.deleteForApp(appId, id))) {
        throw new AntaraError('not_found', 'No such webhook endpoint.');
      }
      await audit(appId, actor, 'webhook.deleted', { endpointId: id });
    },

    async rotateSecret(appId, id, actor) {
      const endpoint = await find(appId, id);
      const now = clock.now();
      const secret = newSigningSecret(random);
      // Why the current secret moves to `previous`: receivers that still hold it keep verifying
      // for ROTATION_OVERLAP_MS. A second rotation within the overlap drops the oldest secret.
      const updated = await repos.webhookEndpoints.updateForApp(appId, id, {
        secret_sealed: box.seal(secret, id),
        previous_secret_sealed: endpoint.secret_sealed,
        previous_secret_expires_at: now + ROTATION_OVERLAP_MS,
        updated_at: now,
      });
      if (!updated) throw new AntaraError('not_found', 'No such webhook endpoint.');
      await audit(appId, actor, 'webhook.secret_rotated', { endpointId: id });
      return { endpoint: updated, secret };
    },

    async sendTest(appId, id) {
      const endpoint = await find(appId, id);
      if (endpoint.status !== 'enabled') throw new AntaraError('webhook_disabled');
      const now = clock.now();
      const eventId = `evt_${random.uuid().replaceAll('-', '')}`;
      const payload = JSON.stringify({
        type: TEST_EVENT_TYPE,
        timestamp: new Date(now).toISOString(),
        data: { appId, endpointId: id, message: 'A test event from Antara. It carries no user data.' },
      });
      const row = newDelivery(
        random.uuid(),
        { endpointId: id, appId },
        { id: eventId, type: TEST_EVENT_TYPE, payload },
        now,
      );
      await repos.webhookDeliveries.insertMany([row]);
      return row;
    },

    async redeliver(appId, endpointId, deliveryId) {
      const endpoint = await find(appId, endpointId);
      if (endpoint.status !== 'enabled') throw new AntaraError('webhook_disabled');
      const result = await repos.webhookDeliveries.requeue(endpointId, deliveryId, clock.now());
      if (result === undefined) throw new AntaraError('not_found', 'No such delivery.');
      if (result === 'in-flight') throw new AntaraError('delivery_in_progress');
      return result;
    },

    signingSecrets(endpoint, now) {
      const secrets = [open(endpoint.secret_sealed, endpoint.id)];
      if (
        endpoint.previous_secret_sealed !== null &&
        endpoint.previous_secret_expires_at !== null &&
        endpoint.previous_secret_expires_at > now
      ) {
        secrets.push(open(endpoint.previous_secret_sealed, endpoint.id));
      }
      return secrets;
    },
  };
}

/** De-duplicated, catalogue-ordered event names; 400 unknown_event_type listing the valid ones. */
export function checkEvents(names: readonly string[]): EventType[] {
  const unknown = names.filter((name) => !(EVENT_TYPES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new AntaraError(
      'unknown_event_type',
      `Unknown event ${unknown.map((n) => `"${n.slice(0, 64)}"`).join(', ')}; valid events are ${EVENT_TYPES.join(', ')}.`,
      { details: { unknown: unknown.map((n) => n.slice(0, 64)), validEvents: EVENT_TYPES } },
    );
  }
  return EVENT_TYPES.filter((type) => names.includes(type));
}
