// npm run bench -- [options]: see bench/README.md and `npm run bench -- --help`.
import fs from 'node:fs';
import path from 'node:path';
import { type DatabaseKind, startAntara } from './lib/antara.js';
import { startHelloWorld } from './lib/hello-world.js';
import { type LoadFigures, type LoadRequest, runLoad } from './lib/load.js';
import { gitCommit, type MachineInfo, machineInfo } from './lib/machine.js';
import { type BenchOptions, parseOptions, USAGE, UsageError } from './lib/options.js';
import { summariseProfile } from './lib/profile-summary.js';
import { judge, judgeAlongside, type RunResult, type RunSettings, record } from './lib/results.js';
import type { Scenario, SideLoad, Target } from './lib/scenario.js';
import { REPO_ROOT } from './lib/server-process.js';
import { SCENARIOS } from './scenarios/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

const BASELINE_REQUEST: LoadRequest = { method: 'GET', path: '/' };

/** Unrecorded load first, so both servers are measured with warm JIT and pools. */
async function measure(
  url: string,
  serverPid: number,
  request: LoadRequest,
  options: BenchOptions,
): Promise<LoadFigures> {
  const { connections } = options;
  if (options.warmupSeconds > 0) {
    await runLoad(url, request, { connections, durationSeconds: options.warmupSeconds });
  }
  return runLoad(url, request, { connections, durationSeconds: options.durationSeconds, serverPid });
}

/**
 * measure() with a side load running through the recorded phase (and the warm-up), from
 * this same process. The server CPU per request of the main load then includes the side
 * load's share.
 */
async function measureAlongside(
  url: string,
  serverPid: number,
  request: LoadRequest,
  side: SideLoad,
  options: BenchOptions,
): Promise<{ main: LoadFigures; side: LoadFigures }> {
  const { name: _name, connections: sideConnections, maxP99Ms: _bound, ...sideRequest } = side;
  const sideFor = (durationSeconds: number) =>
    runLoad(url, sideRequest, { connections: sideConnections, durationSeconds });
  if (options.warmupSeconds > 0) {
    await Promise.all([
      runLoad(url, request, { connections: options.connections, durationSeconds: options.warmupSeconds }),
      sideFor(options.warmupSeconds),
    ]);
  }
  const [main, sideFigures] = await Promise.all([
    runLoad(url, request, {
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      serverPid,
    }),
    sideFor(options.durationSeconds),
  ]);
  return { main, side: sideFigures };
}

function describe(figures: LoadFigures): string {
  const { p50, p97_5, p99 } = figures.latencyMs;
  const cpu = figures.serverCpuMicrosPerRequest;
  return (
    `${Math.round(figures.requestsPerSecond)} req/s, p50 ${p50} / p97.5 ${p97_5} / p99 ${p99} ms, ` +
    `${figures.non2xx} non-2xx, ${figures.errors} errors${cpu === undefined ? '' : `, server CPU ${cpu} µs/request`}`
  );
}

async function measureBaseline(options: BenchOptions): Promise<LoadFigures> {
  const server = await startHelloWorld();
  try {
    const figures = await measure(server.url, server.process.pid, BASELINE_REQUEST, options);
    say(`  hello-world: ${describe(figures)}`);
    return figures;
  } finally {
    await server.process.stop();
  }
}

interface Common {
  command: string;
  commit: string;
  machine: MachineInfo;
  settings: RunSettings;
  baseline: LoadFigures;
}

async function measureScenario(
  scenario: Scenario,
  database: DatabaseKind,
  options: BenchOptions,
  common: Common,
): Promise<RunResult> {
  const profileDir = path.join(REPO_ROOT, 'bench/profiles');
  const profilesBefore = options.cpuProfile && fs.existsSync(profileDir) ? fs.readdirSync(profileDir) : [];
  const startedAt = new Date().toISOString();
  let reference: RunResult['reference'];
  if (scenario.reference) {
    const { name, description, request } = scenario.reference;
    const other = await scenario.reference.start(database, options.postgresAdminUrl);
    try {
      const figures = await measure(other.url, other.pid, request, options);
      say(`  ${name} on ${database}: ${describe(figures)}`);
      reference = { name, description, figures };
    } finally {
      await other.stop();
    }
  }
  const server = await startAntara({
    database,
    postgresAdminUrl: options.postgresAdminUrl,
    ...(options.cpuProfile ? { cpuProfileDir: profileDir } : {}),
  });
  let antara: LoadFigures;
  let verifyError: string | undefined;
  let target: Target = scenario.target;
  let alongside: RunResult['alongside'];
  try {
    const { verify, target: targetHere, alongside: side, ...request } = await scenario.setup(server);
    target = targetHere ?? scenario.target;
    if (side) {
      const figures = await measureAlongside(server.url, server.process.pid, request, side, options);
      antara = figures.main;
      alongside = {
        name: side.name,
        connections: side.connections,
        maxP99Ms: side.maxP99Ms,
        figures: figures.side,
      };
      say(`  ${side.name} alongside: ${describe(figures.side)}`);
    } else {
      antara = await measure(server.url, server.process.pid, request, options);
    }
    try {
      await verify?.();
    } catch (error) {
      verifyError = (error as Error).message;
    }
  } finally {
    await server.stop();
  }
  say(`  ${scenario.name} on ${database}: ${describe(antara)}`);
  if (options.cpuProfile) {
    for (const file of fs.readdirSync(profileDir).filter((f) => !profilesBefore.includes(f))) {
      say(`  CPU profile bench/profiles/${file}\n${summariseProfile(path.join(profileDir, file))}`);
    }
  }
  const { ratio, problems } = judge(antara, common.baseline, target, verifyError);
  if (alongside) problems.push(...judgeAlongside(alongside));
  return {
    scenario: scenario.name,
    description: scenario.description,
    database,
    startedAt,
    command: common.command,
    commit: common.commit,
    settings: common.settings,
    machine: common.machine,
    baseline: common.baseline,
    antara,
    ...(reference ? { reference } : {}),
    ...(alongside ? { alongside } : {}),
    ratio,
    target,
    pass: problems.length === 0,
    problems,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (options.help) {
    say(USAGE);
    return;
  }
  if (options.list) {
    for (const s of SCENARIOS) say(`${s.name.padEnd(24)} ${s.description}`);
    return;
  }
  const unknown = options.scenarios.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new UsageError(`unknown scenario ${unknown.join(', ')}; see --list`);
  const scenarios = SCENARIOS.filter((s) => !options.scenarios.length || options.scenarios.includes(s.name));

  const machine = machineInfo();
  const settings: RunSettings = {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    pipelining: 1,
  };
  say(
    `bench: ${scenarios.map((s) => s.name).join(', ')} on ${options.databases.join(', ')}; ` +
      `${settings.connections} connections, ${settings.durationSeconds} s each after ${settings.warmupSeconds} s warm-up; ` +
      `${machine.cpus} CPUs, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}`,
  );
  // Why one after another: on a small machine a concurrent baseline would steal Antara's CPU.
  const baseline = await measureBaseline(options);
  const common: Common = {
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    commit: gitCommit(),
    machine,
    settings,
    baseline,
  };
  const results: RunResult[] = [];
  for (const scenario of scenarios) {
    for (const database of options.databases) {
      results.push(await measureScenario(scenario, database, options, common));
    }
  }

  for (const r of results) {
    say(
      `${r.pass ? 'PASS' : 'FAIL'} ${r.scenario} on ${r.database}: ratio ${r.ratio}, p99 ${r.antara.latencyMs.p99} ms` +
        (r.problems.length ? ` — ${r.problems.join('; ')}` : ''),
    );
  }
  if (options.record) for (const file of record(results)) say(`wrote ${file}`);
  else say('not recorded (--no-record or --cpu-prof)');
  if (results.some((r) => !r.pass)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exit(2);
});
