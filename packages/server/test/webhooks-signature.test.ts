import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { cryptoRandom } from '../src/lib/random.js';
import { createSecretBox } from '../src/webhooks/secret-box.js';
import { newSigningSecret, secretKey, sign, signedHeaders } from '../src/webhooks/signature.js';

/** Verifies with the stock library as if the receiver's clock read `atMs`. */
function verifyAt(atMs: number, secret: string, body: string, headers: Record<string, string>): unknown {
  vi.useFakeTimers({ toFake: ['Date'], now: atMs });
  try {
    return new Webhook(secret).verify(body, headers);
  } finally {
    vi.useRealTimers();
  }
}

describe('webhook signatures (Standard Webhooks)', () => {
  it('reproduces the Standard Webhooks reference vector', () => {
    expect(
      sign(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes secrets of whsec_ and base64 of 32 random bytes, different every time', () => {
    const a = newSigningSecret(cryptoRandom);
    const b = newSigningSecret(cryptoRandom);
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(a)).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('signs headers the standardwebhooks library verifies, with every secret during a rotation', () => {
    const oldSecret = newSigningSecret(cryptoRandom);
    const newSecret = newSigningSecret(cryptoRandom);
    const body = JSON.stringify({
      type: 'identity.approved',
      timestamp: '2026-01-01T00:00:00.000Z',
      data: {},
    });
    const at = Date.UTC(2026, 0, 1);
    const headers = signedHeaders([newSecret, oldSecret], 'evt_1', Math.floor(at / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyAt(at, oldSecret, body, headers)).toEqual(JSON.parse(body));
    expect(verifyAt(at, newSecret, body, headers)).toEqual(JSON.parse(body));
    expect(() => verifyAt(at, newSigningSecret(cryptoRandom), body, headers)).toThrow(
      /No matching signature/,
    );
    expect(() => verifyAt(at, oldSecret, `${body} `, headers)).toThrow(/No matching signature/);
  });

  it('seals secrets so that only the same server secret and endpoint open them', () => {
    const box = createSecretBox('a'.repeat(48));
    const secret = newSigningSecret(cryptoRandom);
    const sealed = box.seal(secret, 'endpoint-1');
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.open(sealed, 'endpoint-1')).toBe(secret);
    expect(() => box.open(sealed, 'endpoint-2')).toThrow();
    expect(() => createSecretBox('b'.repeat(48)).open(sealed, 'endpoint-1')).toThrow();
    expect(box.seal(secret, 'endpoint-1')).not.toBe(sealed);
  });
});
