// The demo's page script: "Login with Antara" with @antara/web-sdk.
import { AntaraClient, AntaraError } from '@antara/web-sdk';

const { appId, apiBase, redirectUri } = document.body.dataset;
if (!appId || !apiBase || !redirectUri)
  throw new Error('the page lacks data-app-id, data-api-base or data-redirect-uri');

const antara = new AntaraClient({
  appId,
  apiBase,
  redirectUri,
  scopes: ['identity.read', 'messages.send', 'profile.basic'],
});

document.querySelector('#login')?.addEventListener('click', () => {
  void antara.login();
});

async function finishLogin(status: Element): Promise<void> {
  try {
    const { accessToken } = await antara.handleRedirectCallback();
    // The demo's server checks the token with Antara and keeps its own session.
    const response = await fetch('/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessToken }),
    });
    if (!response.ok) throw new Error(`the demo refused the login: ${await response.text()}`);
    location.replace('/');
  } catch (error) {
    status.textContent =
      error instanceof AntaraError
        ? `Login failed: ${error.code} (${error.message})${error.requestId ? `, request ${error.requestId}` : ''}`
        : `Login failed: ${(error as Error).message}`;
  }
}

const status = document.querySelector('#callback-status');
if (status) void finishLogin(status);
