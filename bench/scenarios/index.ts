import type { Scenario } from '../lib/scenario.js';
import { uatIntrospection } from './uat-introspection.js';

/** Every scenario `npm run bench` knows, in the order it runs them. */
export const SCENARIOS: readonly Scenario[] = [uatIntrospection];
