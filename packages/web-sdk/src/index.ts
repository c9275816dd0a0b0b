/**
 * @antara/web-sdk: "Login with Antara" in the browser. Also shipped as a single-file bundle that
 * defines the global `Antara`.
 *
 * @example
 * ```ts
 * import { AntaraClient } from '@antara/web-sdk';
 * const antara = new AntaraClient({ appId: 'YOUR_APP_ID' });
 * antara.login(); // redirects to Antara
 * ```
 */
export {
  AntaraClient,
  type AntaraClientOptions,
  type AntaraUser,
  DEFAULT_API_BASE,
  DEFAULT_SCOPES,
  type LoginOptions,
  type LoginResult,
} from './antara-client.js';
export { AntaraError, type AntaraErrorCode } from './errors.js';
