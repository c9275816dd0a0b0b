/**
 * @antara/sdk: both Antara SDKs in one install. `AntaraClient` is "Login with Antara" in the
 * browser (@antara/web-sdk); `AntaraServer` is Antara for Node servers (@antara/server-sdk).
 * The classes are the very ones of those packages, re-exported.
 *
 * Both SDKs name their base error `AntaraError`. Here it is the server's (with its subclasses);
 * the browser's is `AntaraClientError`. A browser bundler picks the "browser" entry, which is
 * the web SDK alone (there `AntaraError` is the browser's). `@antara/sdk/web` and
 * `@antara/sdk/server` are each SDK unchanged.
 *
 * @example
 * ```ts
 * import { AntaraClient, AntaraServer } from '@antara/sdk';
 * const antara = new AntaraServer({ apiKey: 'antara_live_...' });
 * const login = new AntaraClient({ appId: 'YOUR_APP_ID' });
 * ```
 */
export * from '@antara/server-sdk';
export {
  AntaraClient,
  type AntaraClientOptions,
  AntaraError as AntaraClientError,
  type AntaraErrorCode as AntaraClientErrorCode,
  type AntaraUser,
  DEFAULT_SCOPES,
  type LoginOptions,
  type LoginResult,
} from '@antara/web-sdk';
