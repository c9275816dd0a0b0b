import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseKind } from './antara.js';
import type { LoadFigures } from './load.js';
import type { MachineInfo } from './machine.js';
import type { Target } from './scenario.js';
import { REPO_ROOT } from './server-process.js';

export const RESULTS_DIR = path.join(REPO_ROOT, 'bench/results');
const LATEST = path.join(RESULTS_DIR, 'latest.json');
const README = path.join(REPO_ROOT, 'bench/README.md');
const TABLE_START = '<!-- results:start -->';
const TABLE_END = '<!-- results:end -->';

export interface RunSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  pipelining: 1;
}

/** One scenario on one database, as written to bench/results/<timestamp>-<scenario>-<database>.json. */
export interface RunResult {
  scenario: string;
  description: string;
  database: DatabaseKind;
  startedAt: string;
  /** How to make these figures again. */
  command: string;
  commit: string;
  settings: RunSettings;
  machine: MachineInfo;
  /** Fastify hello world, GET / in its own process, measured in the same invocation. */
  baseline: LoadFigures;
  antara: LoadFigures;
  /** The scenario's reference server, measured in the same invocation (see Reference). */
  reference?: { name: string; description: string; figures: LoadFigures };
  /** The side load that ran during Antara's measurement (see SideLoad). */
  alongside?: { name: string; connections: number; maxP99Ms?: number; figures: LoadFigures };
  /** antara.requestsPerSecond / baseline.requestsPerSecond */
  ratio: number;
  target: Target;
  pass: boolean;
  /** Why it did not pass: missed targets, non-2xx answers, errors, a failed verification. */
  problems: string[];
}

export interface Latest {
  updatedAt: string;
  /** Newest result per `<scenario>/<database>`. */
  results: Record<string, RunResult>;
}

/** Every reason a run cannot be taken at face value; empty means it passed. */
export function judge(
  antara: LoadFigures,
  baseline: LoadFigures,
  target: Target,
  verifyError: string | undefined,
): { ratio: number; problems: string[] } {
  const ratio = Math.round((antara.requestsPerSecond / baseline.requestsPerSecond) * 1000) / 1000;
  const problems: string[] = [];
  const codes = (figures: LoadFigures) =>
    Object.entries(figures.statusCodes)
      .filter(([status]) => !status.startsWith('2'))
      .map(([status, count]) => `${count}× ${status}`)
      .join(', ');
  if (antara.non2xx > 0) problems.push(`${antara.non2xx} non-2xx responses (${codes(antara)})`);
  if (antara.errors > 0) problems.push(`${antara.errors} connection errors (${antara.timeouts} timeouts)`);
  if (baseline.non2xx > 0 || baseline.errors > 0) {
    problems.push(`baseline had ${baseline.non2xx} non-2xx responses and ${baseline.errors} errors`);
  }
  if (verifyError) problems.push(`verification after the load failed: ${verifyError}`);
  if (target.minRatio !== undefined && ratio < target.minRatio) {
    problems.push(`ratio ${ratio} is below the target ${target.minRatio}`);
  }
  if (target.maxP99Ms !== undefined && antara.latencyMs.p99 >= target.maxP99Ms) {
    problems.push(`p99 ${antara.latencyMs.p99} ms is not under ${target.maxP99Ms} ms`);
  }
  if (target.minRequestsPerSecond !== undefined && antara.requestsPerSecond < target.minRequestsPerSecond) {
    problems.push(
      `${Math.round(antara.requestsPerSecond)} req/s is below the target ${target.minRequestsPerSecond}`,
    );
  }
  return { ratio, problems };
}

/** Why a side load that ran during the measurement does not pass; empty when it did. */
export function judgeAlongside(alongside: NonNullable<RunResult['alongside']>): string[] {
  const { name, figures, maxP99Ms } = alongside;
  const problems: string[] = [];
  if (figures.non2xx > 0 || figures.errors > 0) {
    problems.push(`${name} alongside: ${figures.non2xx} non-2xx responses and ${figures.errors} errors`);
  }
  if (maxP99Ms !== undefined && figures.latencyMs.p99 >= maxP99Ms) {
    problems.push(`${name} alongside: p99 ${figures.latencyMs.p99} ms is not under ${maxP99Ms} ms`);
  }
  return problems;
}

const stamp = (iso: string) => iso.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');

/** Writes each result to its own file, merges them into latest.json, and redraws the README table. */
export function record(results: RunResult[]): string[] {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const written: string[] = [];
  const latest: Latest = fs.existsSync(LATEST)
    ? (JSON.parse(fs.readFileSync(LATEST, 'utf8')) as Latest)
    : { updatedAt: '', results: {} };
  for (const result of results) {
    const file = path.join(
      RESULTS_DIR,
      `${stamp(result.startedAt)}-${result.scenario}-${result.database}.json`,
    );
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    written.push(path.relative(REPO_ROOT, file));
    latest.results[`${result.scenario}/${result.database}`] = result;
  }
  latest.updatedAt = new Date().toISOString();
  fs.writeFileSync(LATEST, `${JSON.stringify(latest, null, 2)}\n`);
  written.push(path.relative(REPO_ROOT, LATEST));
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`bench/README.md lacks the ${TABLE_START} … ${TABLE_END} markers`);
  fs.writeFileSync(
    README,
    `${readme.slice(0, start + TABLE_START.length)}\n${resultsTable(latest)}\n${readme.slice(end)}`,
  );
  written.push('bench/README.md');
  return written;
}

/** The README table: one row per scenario and database, newest figures. */
/** The reference and side load of a run, for the scenario cell. */
function extras(r: RunResult): string {
  let text = '';
  if (r.reference) {
    const f = r.reference.figures;
    text += `<br>reference ${r.reference.name}: ${Math.round(f.requestsPerSecond)} req/s, p99 ${f.latencyMs.p99} ms`;
  }
  if (r.alongside) {
    const f = r.alongside.figures;
    text += `<br>alongside ${r.alongside.name}: ${Math.round(f.requestsPerSecond)} req/s, p99 ${f.latencyMs.p99} ms`;
  }
  return text;
}

export function resultsTable(latest: Latest): string {
  const rows = Object.values(latest.results).sort(
    (a, b) => a.scenario.localeCompare(b.scenario) || a.database.localeCompare(b.database),
  );
  const bound = (value: number | undefined, prefix: string) =>
    value === undefined ? '' : ` (${prefix}${value})`;
  const lines = [
    '| scenario | db | Antara req/s | hello-world req/s | ratio (target) | Antara p50 / p97.5 / p99 ms (target) | non-2xx / errors | server CPU µs/req, Antara / hello-world | result | measured on | command |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
  ];
  for (const r of rows) {
    const { p50, p97_5, p99 } = r.antara.latencyMs;
    const machine = `${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} CPUs, Node ${r.machine.node}, load ${r.machine.loadAverage[0]}, ${r.commit}`;
    lines.push(
      [
        '',
        `${r.scenario}<br>${r.description}${extras(r)}`,
        r.database,
        Math.round(r.antara.requestsPerSecond),
        Math.round(r.baseline.requestsPerSecond),
        `${r.ratio}${bound(r.target.minRatio, '≥ ')}`,
        `${p50} / ${p97_5} / ${p99}${bound(r.target.maxP99Ms, '< ')}`,
        `${r.antara.non2xx} / ${r.antara.errors}`,
        `${r.antara.serverCpuMicrosPerRequest ?? '?'} / ${r.baseline.serverCpuMicrosPerRequest ?? '?'}`,
        r.pass ? 'pass' : `**fail**: ${r.problems.join('; ')}`,
        machine,
        `\`${r.command}\``,
        '',
      ]
        .join(' | ')
        .trim(),
    );
  }
  return lines.join('\n');
}
