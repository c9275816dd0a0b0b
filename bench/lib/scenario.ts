import type { AntaraServer, DatabaseKind } from './antara.js';
import type { LoadRequest } from './load.js';

/** What a scenario must reach for its run to pass. Every given bound is checked. */
export interface Target {
  /** Antara's req/s as a share of the hello-world baseline's, measured in the same invocation. */
  minRatio?: number;
  /** 99th percentile latency, milliseconds. */
  maxP99Ms?: number;
  /** Absolute floor in req/s, for paths bound by the disk rather than by the CPU. */
  minRequestsPerSecond?: number;
}

/**
 * A lighter load run at the same time as the measured one, from the same bench process:
 * what must keep answering while the scenario saturates the server (e.g. introspection
 * while messages are sent). Its figures are recorded; any non-2xx, error or a p99 over
 * `maxP99Ms` fails the run.
 */
export interface SideLoad extends LoadRequest {
  name: string;
  connections: number;
  maxP99Ms?: number;
}

/** A process a reference load runs against. */
export interface ReferenceServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Another server measured in the same run, with the same connections and duration, just
 * before Antara: what the scenario's figure should be read against (e.g. a route doing one
 * durable INSERT per request on the same database). Recorded, not judged.
 */
export interface Reference {
  name: string;
  description: string;
  start(database: DatabaseKind, postgresAdminUrl: string): Promise<ReferenceServer>;
  request: LoadRequest;
}

export interface ScenarioLoad extends LoadRequest {
  /**
   * Runs once after the load: proves the requests still did what the scenario claims
   * (a 200 that says "inactive" would otherwise pass for a fast success). Throws if not.
   */
  verify?: () => Promise<void>;
  /** The target on this database, when it differs from the scenario's. */
  target?: Target;
  alongside?: SideLoad;
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
  reference?: Reference;
  setup(server: AntaraServer): Promise<ScenarioLoad>;
}
