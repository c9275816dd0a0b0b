import { bearer, type Harness, signIn } from './harness.js';

/** A signed-in developer and a way to call the developer API as them. */
export async function developer(h: Harness, email: string) {
  const session = await signIn(h, email);
  const auth = bearer(session.accessToken);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url,
      headers: auth,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return { session, auth, call, userId: session.user.id };
}

/** Registers an app and creates one key through the API; returns both as the API showed them. */
export async function appWithKey(
  dev: Awaited<ReturnType<typeof developer>>,
  keyBody: Record<string, unknown> = {},
  appBody: Record<string, unknown> = {},
) {
  const created = await dev.call('POST', '/dev/v1/apps', {
    name: 'Parcel Tracker',
    redirectUris: ['https://parcel.example/callback'],
    ...appBody,
  });
  if (created.statusCode !== 201) throw new Error(`app create failed: ${created.body}`);
  const app = created.json().data as { appId: string; name: string };
  const key = await dev.call('POST', `/dev/v1/apps/${app.appId}/keys`, keyBody);
  if (key.statusCode !== 201) throw new Error(`key create failed: ${key.body}`);
  return { app, key: key.json().data as { keyId: string; apiKey: string; scopes: string[]; prefix: string } };
}
