import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../server/src/webhooks/dispatcher.js';
import { AntaraServer, type WebhookEvent, WebhookVerificationError } from '../src/index.js';
import {
  approvedPerson,
  type Harness,
  type RegisteredApp,
  registerApp,
  startAntara,
} from './support/antara.js';

interface Received {
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

describe('antara.webhooks against real deliveries from Antara', () => {
  let h: Harness;
  let app: RegisteredApp;
  let antara: AntaraServer;
  let dispatcher: WebhookDispatcher;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];
  beforeAll(async () => {
    h = await startAntara({ realClock: true, env: { ANTARA_WEBHOOK_ALLOW_PRIVATE: '1' } });
    app = await registerApp(h);
    antara = new AntaraServer({ apiKey: app.apiKey, apiBase: h.baseUrl });
    dispatcher = createWebhookDispatcher(h.ctx, { timeoutMs: 2000 });
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/antara`;
  });
  afterAll(async () => {
    await dispatcher?.stop();
    receiver?.close();
    await h?.close();
  });

  it('registers an endpoint, lists it, and verifies the identity.approved and message.delivered it receives', async () => {
    const endpoint = await antara.webhooks.create({
      url: receiverUrl,
      events: ['identity.approved', 'message.delivered'],
      description: 'sdk test',
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await antara.webhooks.list()).map((e) => e.id)).toEqual([endpoint.id]);

    const ada = await approvedPerson(h, app, 'ada@example.com');
    const sent = await antara.send({ slug: ada.slug, message: 'Hello!' });
    await dispatcher.runOnce();

    const events: WebhookEvent[] = received.map((r) =>
      antara.webhooks.verify(r.body, r.headers, endpoint.secret),
    );
    const approved = events.find((e) => e.type === 'identity.approved');
    const delivered = events.find((e) => e.type === 'message.delivered');
    if (approved?.type !== 'identity.approved' || delivered?.type !== 'message.delivered') {
      throw new Error(`missing events: ${events.map((e) => e.type).join(', ')}`);
    }
    expect(approved.data).toMatchObject({ appId: app.appId, userId: ada.userId, slug: ada.slug });
    expect(delivered.data).toMatchObject({ messageId: sent.messageId, slug: ada.slug });
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(received.map((r) => r.headers['webhook-id'])));
    expect(JSON.stringify(events)).not.toContain('ada@example.com');

    // The same real delivery, tampered with, with another secret, or replayed later: rejected.
    const real = received[0] as Received;
    const tampered = Buffer.from(real.body.toString('utf8').replace(ada.slug, 'zzzzzzzzzzzzzzzz'));
    const rejections = [
      () => antara.webhooks.verify(tampered, real.headers, endpoint.secret),
      () => antara.webhooks.verify(real.body, real.headers, 'whsec_c29tZW9uZSBlbHNlJ3Mgc2VjcmV0IGtleSEhIQ=='),
      () =>
        antara.webhooks.verify(real.body, real.headers, endpoint.secret, { now: Date.now() + 6 * 60_000 }),
    ].map((attempt) => {
      try {
        attempt();
        return 'accepted';
      } catch (error) {
        return error instanceof WebhookVerificationError ? error.code : String(error);
      }
    });
    expect(rejections).toEqual([
      'webhook_invalid_signature',
      'webhook_invalid_signature',
      'webhook_timestamp_stale',
    ]);

    await antara.webhooks.delete(endpoint.id);
    expect(await antara.webhooks.list()).toEqual([]);
  });
});
