import { parseArgs } from 'node:util';
import type { DatabaseKind } from './antara.js';

export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Scenario names; empty means all. */
  scenarios: string[];
  databases: DatabaseKind[];
  postgresAdminUrl: string;
  cpuProfile: boolean;
  /** Write bench/results/ and the README table. */
  record: boolean;
  list: boolean;
  help: boolean;
}

export const USAGE = `npm run bench -- [options]

  --scenario <name>     run only this scenario (repeatable; default: all, see --list)
  --database <kind>     sqlite (default) or postgres (repeatable)
  --duration <s>        seconds of measured load per target (default 10)
  --warmup <s>          seconds of unrecorded load before each measurement (default 3)
  --connections <n>     concurrent connections (default 50)
  --postgres-url <url>  PostgreSQL allowed to CREATE DATABASE (default $ANTARA_BENCH_PG_URL
                        or postgres://postgres@127.0.0.1:5432/test); each run gets a fresh one
  --cpu-prof            write a V8 CPU profile of Antara to bench/profiles/ and summarise it
                        (implies --no-record: profiling slows the server)
  --no-record           print figures only; leave bench/results/ and the README alone
  --list                list the scenarios and exit`;

/** A bad command line: `npm run bench` prints the message and the usage, without a stack. */
export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} takes a whole number ≥ 1, not "${raw}"`);
  return value;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', multiple: true },
      database: { type: 'string', multiple: true },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'postgres-url': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'no-record': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export function parseOptions(argv: string[]): BenchOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const databases = values.database ?? ['sqlite'];
  for (const database of databases) {
    if (database !== 'sqlite' && database !== 'postgres') {
      throw new UsageError(`--database takes sqlite or postgres, not "${database}"`);
    }
  }
  const cpuProfile = values['cpu-prof'] ?? false;
  return {
    durationSeconds: positive('duration', values.duration, 10),
    warmupSeconds: values.warmup === '0' ? 0 : positive('warmup', values.warmup, 3),
    connections: positive('connections', values.connections, 50),
    scenarios: values.scenario ?? [],
    databases: [...new Set(databases as DatabaseKind[])],
    postgresAdminUrl:
      values['postgres-url'] ?? process.env.ANTARA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    cpuProfile,
    record: !(values['no-record'] ?? false) && !cpuProfile,
    list: values.list ?? false,
    help: values.help ?? false,
  };
}
