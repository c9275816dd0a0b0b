import type { AntaraServer } from './antara.js';
import type { LoadRequest } from './load.js';

/** What a scenario must reach for its run to pass. Every given bound is checked. */
export interface Target {
  /** Antara's req/s as a share of the hello-world baseline's, measured in the same invocation. */
  minRatio?: number;
  /** 99th percentile latency, milliseconds. */
  maxP99Ms?: number;
}

export interface ScenarioLoad extends LoadRequest {
  /**
   * Runs once after the load: proves the requests still did what the scenario claims
   * (a 200 that says "inactive" would otherwise pass for a fast success). Throws if not.
   */
  verify?: () => Promise<void>;
}

/**
 * One benchmark: bench/scenarios/<name>.ts, listed in bench/scenarios/index.ts.
 * `setup` prepares data over HTTP like a client and says what autocannon sends.
 */
export interface Scenario {
  /** kebab-case, equal to the file name. */
  name: string;
  /** One line for the README table. */
  description: string;
  target: Target;
  setup(server: AntaraServer): Promise<ScenarioLoad>;
}
