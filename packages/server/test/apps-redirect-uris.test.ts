import { describe, expect, it } from 'vitest';
import { redirectUriMatches, redirectUriProblem } from '../src/apps/redirect-uris.js';

describe('redirect URIs', () => {
  it.each([
    'https://parcel.example/callback',
    'https://parcel.example',
    'https://parcel.example:8443/oauth/cb?tenant=a&x=%20y',
    'HTTPS://Parcel.Example/cb',
    'http://localhost/cb',
    'http://localhost:3000/cb',
    'http://127.0.0.1:8080/cb',
    'http://[::1]:9000/cb',
    'http://127.0.0.1',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it('matches registered URIs by exact string only', () => {
    const registered = ['https://parcel.example/cb', 'https://parcel.example/cb?x=1'];
    expect(redirectUriMatches(registered, 'https://parcel.example/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'https://parcel.example/cb?x=1')).toBe(true);
    for (const presented of [
      'https://parcel.example/cb/',
      'https://parcel.example/cb?x=2',
      'https://PARCEL.example/cb',
      'https://parcel.example/CB',
      'https://parcel.example:443/cb',
      'https://parcel.example/cb#x',
      'https://parcel.example/cb/../cb',
      'https://parcel.example/cb%2F',
      'https://evil.example/?https://parcel.example/cb',
      'http://parcel.example/cb',
    ]) {
      expect(redirectUriMatches(registered, presented), presented).toBe(false);
    }
  });

  it('lets the port of a loopback URI vary (RFC 8252 §7.3), and nothing else', () => {
    const registered = ['http://127.0.0.1/cb', 'http://localhost:3000/app?x=1', 'http://[::1]/cb'];
    expect(redirectUriMatches(registered, 'http://127.0.0.1:51234/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'http://127.0.0.1/cb')).toBe(true);
    expect(redirectUriMatches(registered, 'http://localhost:1/app?x=1')).toBe(true);
    expect(redirectUriMatches(registered, 'http://localhost/app?x=1')).toBe(true);
    expect(redirectUriMatches(registered, 'http://[::1]:8080/cb')).toBe(true);
    for (const presented of [
      'http://127.0.0.1:51234/cb2',
      'http://127.0.0.1:51234/',
      'http://localhost:51234/cb',
      'http://127.0.0.1:99999/cb',
      'http://127.0.0.1:8080@evil.example/cb',
      'http://127.0.0.1.evil.example:8080/cb',
      'https://127.0.0.1:8080/cb',
      'http://localhost:3000/app?x=2',
    ]) {
      expect(redirectUriMatches(registered, presented), presented).toBe(false);
    }
  });
});
