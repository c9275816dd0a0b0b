// npm run bench:webhooks -- [--database sqlite|postgres] [--events N] [--rate R] [--seconds S] [--no-record]
//
// Webhook delivery from the outbox to a loopback receiver, through a real `antara serve`:
//  1. latency: an app sends R messages/s (POST /app/v1/messages, the real producer of
//     message.delivered); each delivery's event→first-attempt latency is the time the
//     receiver got it minus the event's timestamp;
//  2. throughput: a backlog of N events is committed to the outbox while the server is down,
//     then drained after a restart; deliveries/s is N over first-to-last arrival.
// Every webhook-id must arrive exactly once; a sample is verified with `standardwebhooks`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { appendEvent } from '../packages/server/src/events/outbox.js';
import { systemClock } from '../packages/server/src/lib/clock.js';
import { cryptoRandom } from '../packages/server/src/lib/random.js';
import { openStorage, type Storage } from '../packages/server/src/storage/database.js';
import { gitCommit, machineInfo } from './lib/machine.js';
import { processCpuSeconds } from './lib/process-cpu.js';
import { RESULTS_DIR } from './lib/results.js';
import { freePort, REPO_ROOT, startServerProcess } from './lib/server-process.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const TARGETS = { deliveriesPerSecond: 2000, p99Ms: 500 };
const README = path.join(REPO_ROOT, 'bench/README.md');
const START = '<!-- webhooks:start -->';
const END = '<!-- webhooks:end -->';

interface Options {
  databases: Array<'sqlite' | 'postgres'>;
  events: number;
  rate: number;
  seconds: number;
  record: boolean;
  postgresAdminUrl: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      database: { type: 'string', multiple: true },
      events: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '300' },
      seconds: { type: 'string', default: '10' },
      'no-record': { type: 'boolean', default: false },
      'postgres-url': { type: 'string' },
    },
  });
  const databases = (values.database ?? ['sqlite']).map((d) => {
    if (d !== 'sqlite' && d !== 'postgres')
      throw new Error(`--database takes sqlite or postgres, not "${d}"`);
    return d;
  });
  return {
    databases,
    events: Number(values.events),
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    record: !values['no-record'],
    postgresAdminUrl:
      values['postgres-url'] ?? process.env.ANTARA_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
}

interface Arrival {
  at: number;
  body: string;
  headers: Record<string, string>;
}

/** A loopback receiver that answers 204 at once and notes when each webhook-id arrived. */
async function startReceiver() {
  const arrivals = new Map<string, Arrival>();
  let duplicates = 0;
  let waiting: { count: number; resolve: () => void } | null = null;
  let onArrival: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const id = String(req.headers['webhook-id']);
      if (arrivals.has(id)) duplicates += 1;
      else
        arrivals.set(id, {
          at,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers as Record<string, string>,
        });
      res.writeHead(204).end();
      onArrival?.();
      if (waiting && arrivals.size >= waiting.count) waiting.resolve();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    duplicates: () => duplicates,
    /** Calls `hook` on every arrival (to sample the server's CPU at the first one). */
    onArrival(hook: (() => void) | undefined) {
      onArrival = hook;
    },
    waitFor(count: number, timeoutMs: number) {
      if (arrivals.size >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the receiver got ${arrivals.size} of ${count} deliveries`)),
          timeoutMs,
        );
        waiting = {
          count,
          resolve: () => {
            clearTimeout(timer);
            waiting = null;
            resolve();
          },
        };
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function freshPostgres(adminUrl: string) {
  const name = `antara_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Commits `count` events to the outbox in one transaction, as producers do with their changes. */
async function produce(storage: Storage, appId: string, count: number): Promise<string[]> {
  return storage.db.transaction().execute(async (trx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        await appendEvent(
          trx,
          { clock: systemClock, random: cryptoRandom },
          {
            type: 'message.delivered',
            appId,
            data: {
              appId,
              messageId: cryptoRandom.uuid(),
              userId: cryptoRandom.uuid(),
              slug: 'benchSlug0123',
            },
          },
        ),
      );
    }
    return ids;
  });
}

async function runOn(database: 'sqlite' | 'postgres', o: Options) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-bench-webhooks-'));
  const pgDb = database === 'postgres' ? await freshPostgres(o.postgresAdminUrl) : undefined;
  const serve = () =>
    startServerProcess({
      name: 'antara',
      script: 'packages/server/src/main.ts',
      args: ['serve'],
      env: {
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        ANTARA_PUBLIC_URL: base,
        ANTARA_DATA_DIR: dataDir,
        ANTARA_LOG_LEVEL: 'warn',
        ANTARA_RATE_LIMITS: 'off',
        ANTARA_WEBHOOK_ALLOW_PRIVATE: '1',
        ...(pgDb ? { ANTARA_DATABASE_URL: pgDb.url } : {}),
      },
      readyLine: /^Antara listening on /,
    });
  let server = await serve();
  const receiver = await startReceiver();
  try {
    const call = async <T>(
      method: string,
      route: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<T> => {
      const response = await fetch(base + route, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
      return (JSON.parse(text) as { data: T }).data;
    };
    const signIn = async (email: string) => {
      const { challengeId } = await call<{ challengeId: string }>('POST', '/auth/email/start', { email });
      const [, code] = await server.waitForLine(
        new RegExp(`to=${email.replaceAll('.', '\\.')} .*sign-in code is (\\d{6})`),
      );
      const { code: exchange } = await call<{ code: string }>('POST', '/auth/email/verify', {
        challengeId,
        code,
      });
      return (await call<{ accessToken: string }>('POST', '/auth/exchange-code', { code: exchange }))
        .accessToken;
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    // A developer, an app with an API key and a webhook endpoint on the loopback receiver.
    const developer = await signIn('bench-dev@example.com');
    const redirectUri = 'https://bench.example.com/cb';
    const { appId } = await call<{ appId: string }>(
      'POST',
      '/dev/v1/apps',
      { name: 'Webhook bench', redirectUris: [redirectUri] },
      bearer(developer),
    );
    const { apiKey } = await call<{ apiKey: string }>(
      'POST',
      `/dev/v1/apps/${appId}/keys`,
      {},
      bearer(developer),
    );
    const { secret } = await call<{ secret: string }>(
      'POST',
      `/dev/v1/apps/${appId}/webhooks`,
      { url: receiver.url, events: ['message.delivered'] },
      bearer(developer),
    );
    // A person approves the app over the JSON consent API, so that it may message their slug.
    const person = await signIn('bench-person@example.com');
    await call(
      'POST',
      '/oauth/consent',
      {
        client_id: appId,
        redirect_uri: redirectUri,
        response_type: 'code',
        code_challenge: randomBytes(32).toString('base64url'),
        code_challenge_method: 'S256',
        state: 'bench',
        scope: 'identity.read messages.send',
        decision: 'approve',
      },
      bearer(person),
    );
    const [grant] = await call<Array<{ appId: string; slug: string }>>(
      'GET',
      '/me/v1/grants',
      undefined,
      bearer(person),
    );
    const appToken = (await call<{ accessToken: string }>('POST', '/auth/token/exchange', { apiKey }))
      .accessToken;
    const sendMessage = () =>
      call(
        'POST',
        '/app/v1/messages',
        { slug: grant!.slug, body: 'Your order shipped.' },
        {
          ...bearer(appToken),
          'idempotency-key': randomBytes(12).toString('hex'),
        },
      );

    // Warm-up: JIT, connection pools, the receiver's keep-alive sockets.
    await Promise.all(Array.from({ length: 100 }, sendMessage));
    await receiver.waitFor(100, 30_000);

    // 1. Latency: the real producer. Each POST /app/v1/messages stores a message and its
    // message.delivered event in one transaction; latency runs from the event's timestamp.
    say(`  latency: ${o.rate} messages/s for ${o.seconds} s on ${database}`);
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((o.rate * tickMs) / 1000));
    const sends: Array<Promise<unknown>> = [];
    const until = Date.now() + o.seconds * 1000;
    while (Date.now() < until) {
      const tickStart = Date.now();
      for (let i = 0; i < perTick; i++) sends.push(sendMessage());
      const left = tickMs - (Date.now() - tickStart);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    }
    await Promise.all(sends);
    const steadyCount = sends.length;
    await receiver.waitFor(100 + steadyCount, 60_000);
    const latencies = [...receiver.arrivals.values()]
      .slice(100)
      .map((a) => a.at - Date.parse((JSON.parse(a.body) as { timestamp: string }).timestamp))
      .sort((x, y) => x - y);

    // 2. Throughput: a backlog committed while the server is down (so no other process writes
    // the database meanwhile), drained after a restart: first to last arrival.
    say(`  throughput: a backlog of ${o.events} events on ${database}`);
    await server.stop();
    const storage = await openStorage(
      pgDb
        ? { kind: 'postgres', url: pgDb.url, poolSize: 4 }
        : { kind: 'sqlite', file: path.join(dataDir, 'antara.sqlite') },
    );
    const backlog = await produce(storage, appId, o.events);
    await storage.close();
    server = await serve();
    const before = receiver.arrivals.size;
    const drainingServer = server;
    let cpuAtFirst: number | undefined;
    receiver.onArrival(() => {
      cpuAtFirst ??= processCpuSeconds(drainingServer.pid);
    });
    await receiver.waitFor(before + backlog.length, 300_000);
    const cpuAtLast = processCpuSeconds(drainingServer.pid);
    receiver.onArrival(undefined);
    const serverCpuMicrosPerDelivery =
      cpuAtFirst === undefined || cpuAtLast === undefined
        ? null
        : Math.round(((cpuAtLast - cpuAtFirst) * 1e6) / (backlog.length - 1));
    const times = backlog.map((id) => receiver.arrivals.get(id)?.at ?? Number.NaN);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const deliveriesPerSecond = Math.round((backlog.length - 1) / ((last - first) / 1000));

    const verifier = new Webhook(secret);
    const arrivals = [...receiver.arrivals.values()];
    let verified = 0;
    for (const arrival of arrivals.filter((_, i) => i % Math.ceil(arrivals.length / 100) === 0)) {
      verifier.verify(arrival.body, arrival.headers);
      verified += 1;
    }
    return {
      deliveriesPerSecond,
      backlogEvents: backlog.length,
      backlogSeconds: Math.round((last - first) / 10) / 100,
      serverCpuMicrosPerDelivery,
      latencyMs: {
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
      },
      steadyMessages: steadyCount,
      steadyRate: o.rate,
      duplicates: receiver.duplicates(),
      missing:
        backlog.filter((id) => !receiver.arrivals.has(id)).length +
        (100 + steadyCount + backlog.length - receiver.arrivals.size),
      verifiedSample: verified,
    };
  } finally {
    await receiver.close();
    await server.stop();
    await pgDb?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

type Figures = Awaited<ReturnType<typeof runOn>>;

function judge(f: Figures): string[] {
  const problems: string[] = [];
  if (f.deliveriesPerSecond < TARGETS.deliveriesPerSecond) {
    problems.push(`${f.deliveriesPerSecond} deliveries/s is below ${TARGETS.deliveriesPerSecond}`);
  }
  if (!(f.latencyMs.p99 < TARGETS.p99Ms))
    problems.push(`p99 ${f.latencyMs.p99} ms is not under ${TARGETS.p99Ms} ms`);
  if (f.duplicates > 0) problems.push(`${f.duplicates} deliveries arrived twice`);
  if (f.missing > 0) problems.push(`${f.missing} deliveries never arrived`);
  return problems;
}

function recordRun(result: Record<string, unknown> & { database: string; startedAt: string }): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(
    RESULTS_DIR,
    `${result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}-webhook-delivery-${result.database}.json`,
  );
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return path.relative(REPO_ROOT, file);
}

/** Redraws the README table: this run's rows, and earlier rows of databases not run now. */
function redrawReadme(rows: Map<string, string>): void {
  const readme = fs.readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  const earlier = start >= 0 && end > start ? readme.slice(start + START.length, end).split('\n') : [];
  for (const line of earlier) {
    const db = /^\|\s*(sqlite|postgres)\s*\|/.exec(line)?.[1];
    if (db && !rows.has(db)) rows.set(db, line);
  }
  const table = [
    '| db | deliveries/s (target ≥ 2000) | server CPU µs/delivery | event→first attempt p50 / p90 / p99 / max ms (target p99 < 500) | duplicates / missing | result | measured on | command |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- | --- |',
    ...[...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, line]) => line),
  ].join('\n');
  const section =
    start >= 0 && end > start
      ? `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`
      : `${readme.trimEnd()}\n\n## Webhook delivery\n\n\`npm run bench:webhooks\` (bench/webhook-delivery.ts): see the comment at its top.\n\n${START}\n${table}\n${END}\n`;
  fs.writeFileSync(README, section);
}

async function main(): Promise<void> {
  const o = options();
  const machine = machineInfo();
  const commit = gitCommit();
  const command = [
    'npm run bench:webhooks',
    ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
  ].join(' ');
  say(
    `bench:webhooks on ${o.databases.join(', ')}; ${machine.cpus} CPUs, load ${machine.loadAverage.join(' ')}`,
  );
  const rows = new Map<string, string>();
  let failed = false;
  for (const database of o.databases) {
    const startedAt = new Date().toISOString();
    const figures = await runOn(database, o);
    const problems = judge(figures);
    failed ||= problems.length > 0;
    const l = figures.latencyMs;
    say(
      `${problems.length ? 'FAIL' : 'PASS'} webhook-delivery on ${database}: ${figures.deliveriesPerSecond} deliveries/s ` +
        `(${figures.serverCpuMicrosPerDelivery ?? '?'} µs server CPU each), ` +
        `latency p50 ${l.p50} / p99 ${l.p99} ms${problems.length ? ` — ${problems.join('; ')}` : ''}`,
    );
    const result = {
      scenario: 'webhook-delivery',
      database,
      startedAt,
      command,
      commit,
      machine,
      targets: TARGETS,
      figures,
      pass: problems.length === 0,
      problems,
    };
    if (o.record) say(`wrote ${recordRun(result)}`);
    rows.set(
      database,
      `| ${database} | ${figures.deliveriesPerSecond} | ${figures.serverCpuMicrosPerDelivery ?? '?'} | ${l.p50} / ${l.p90} / ${l.p99} / ${l.max} | ${figures.duplicates} / ${figures.missing} | ${problems.length ? `**fail**: ${problems.join('; ')}` : 'pass'} | ${startedAt.slice(0, 16).replace('T', ' ')} UTC, ${machine.cpus} CPUs, load ${machine.loadAverage[0]}, ${commit} | \`${command}\` |`,
    );
  }
  if (o.record) redrawReadme(rows);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:webhooks: ${(error as Error).stack ?? error}\n`);
  process.exit(2);
});
