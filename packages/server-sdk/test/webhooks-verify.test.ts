import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { Webhooks, WebhookVerificationError } from '../src/index.js';

// The reference vector of the Standard Webhooks specification.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorHeaders = (overrides: Record<string, string> = {}) => ({
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': VECTOR.signature,
  ...overrides,
});
const atVectorTime = new Webhooks(() => VECTOR.timestamp * 1000);

function rejection(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected the delivery to be rejected');
}

describe('webhooks.verify (Standard Webhooks)', () => {
  it('accepts the specification reference vector at its own time', () => {
    expect(atVectorTime.verifySignature(VECTOR.body, vectorHeaders(), VECTOR.secret)).toEqual({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
  });

  it('accepts the vector as bytes, as a fetch Headers object, and with the secret without its prefix', () => {
    const headers = new Headers(vectorHeaders());
    const bytes = new TextEncoder().encode(VECTOR.body);
    expect(atVectorTime.verifySignature(bytes, headers, VECTOR.secret.slice('whsec_'.length)).id).toBe(
      VECTOR.id,
    );
  });

  it('passes the signature of the vector but refuses its body as an Antara event', () => {
    const error = rejection(() => atVectorTime.verify(VECTOR.body, vectorHeaders(), VECTOR.secret));
    expect(error.code).toBe('webhook_invalid_payload');
  });

  it('rejects a tampered body', () => {
    const error = rejection(() =>
      atVectorTime.verifySignature('{"test": 2432232315}', vectorHeaders(), VECTOR.secret),
    );
    expect(error.code).toBe('webhook_invalid_signature');
    expect(error.status).toBe(400);
  });

  it('rejects a wrong secret', () => {
    const error = rejection(() =>
      atVectorTime.verifySignature(
        VECTOR.body,
        vectorHeaders(),
        'whsec_bm90IHRoZSByaWdodCBzZWNyZXQgYXQgYWxs',
      ),
    );
    expect(error.code).toBe('webhook_invalid_signature');
  });

  it('rejects a secret that is not base64 instead of deriving some other key from it', () => {
    const error = rejection(() =>
      atVectorTime.verifySignature(VECTOR.body, vectorHeaders(), 'whsec_not base64!'),
    );
    expect(error.code).toBe('webhook_invalid_secret');
  });

  it('rejects timestamps more than five minutes old or ahead, and accepts them at the edge', () => {
    const at = (seconds: number) => new Webhooks(() => seconds * 1000);
    expect(at(VECTOR.timestamp + 300).verifySignature(VECTOR.body, vectorHeaders(), VECTOR.secret).id).toBe(
      VECTOR.id,
    );
    expect(at(VECTOR.timestamp - 300).verifySignature(VECTOR.body, vectorHeaders(), VECTOR.secret).id).toBe(
      VECTOR.id,
    );
    for (const now of [VECTOR.timestamp + 301, VECTOR.timestamp - 301, Math.floor(Date.now() / 1000)]) {
      const error = rejection(() => at(now).verifySignature(VECTOR.body, vectorHeaders(), VECTOR.secret));
      expect(error.code).toBe('webhook_timestamp_stale');
    }
  });

  it('checks the timestamp inside the signature: a fresh timestamp on an old signature fails', () => {
    const error = rejection(() =>
      atVectorTime.verifySignature(
        VECTOR.body,
        vectorHeaders({ 'webhook-timestamp': String(VECTOR.timestamp + 1) }),
        VECTOR.secret,
      ),
    );
    expect(error.code).toBe('webhook_invalid_signature');
  });

  it('accepts a delivery when any one of several space-separated signatures matches', () => {
    const rotated = `v1,bm90LWEtbWF0Y2gtYnV0LTMyLWJ5dGVzLWxvbmctLS0tLQ== ${VECTOR.signature}`;
    expect(
      atVectorTime.verifySignature(
        VECTOR.body,
        vectorHeaders({ 'webhook-signature': rotated }),
        VECTOR.secret,
      ).id,
    ).toBe(VECTOR.id);
    const otherVersions = `v2,${VECTOR.signature.slice(3)} v1a,${VECTOR.signature.slice(3)}`;
    const error = rejection(() =>
      atVectorTime.verifySignature(
        VECTOR.body,
        vectorHeaders({ 'webhook-signature': otherVersions }),
        VECTOR.secret,
      ),
    );
    expect(error.code).toBe('webhook_invalid_signature');
  });

  it('rejects a delivery missing any of the three headers', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers: Record<string, string> = vectorHeaders();
      delete headers[name];
      expect(rejection(() => atVectorTime.verifySignature(VECTOR.body, headers, VECTOR.secret)).code).toBe(
        'webhook_missing_headers',
      );
    }
  });

  it('returns the typed event of a delivery signed by the standardwebhooks library', () => {
    const secret = 'whsec_c2VjcmV0LWZvci1hbnRhcmEtc2RrLXRlc3RzLTEyMzQ=';
    const now = Date.UTC(2026, 10, 27, 12, 0, 0);
    const body = JSON.stringify({
      type: 'message.delivered',
      timestamp: new Date(now).toISOString(),
      data: { appId: 'a', messageId: 'm-1', userId: 'u', slug: 'xK9mNp4QrT2wVb' },
    });
    const signature = new Webhook(secret).sign('msg_1', new Date(now), body);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(now / 1000),
      'webhook-signature': signature,
    };
    const event = new Webhooks(() => now + 10_000).verify(body, headers, secret);
    expect(event.id).toBe('msg_1');
    if (event.type !== 'message.delivered') throw new Error(`unexpected ${event.type}`);
    expect(event.data.messageId).toBe('m-1');
  });
});
