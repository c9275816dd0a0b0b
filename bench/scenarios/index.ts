import type { Scenario } from '../lib/scenario.js';
import { aatIntrospection } from './aat-introspection.js';
import { apiKeyExchange } from './api-key-exchange.js';
import { messageSend } from './message-send.js';
import { oauthPkceFlow } from './oauth-pkce-flow.js';
import { oitIntrospection } from './oit-introspection.js';
import { uatIntrospection } from './uat-introspection.js';

/** Every scenario `npm run bench` knows, in the order it runs them. */
export const SCENARIOS: readonly Scenario[] = [
  uatIntrospection,
  aatIntrospection,
  apiKeyExchange,
  messageSend,
  oauthPkceFlow,
  oitIntrospection,
];
