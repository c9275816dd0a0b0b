import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcessOptions {
  /** For messages, e.g. `antara` or `hello-world`. */
  name: string;
  /** TypeScript entry point, relative to the repository root; run through tsx. */
  script: string;
  args?: string[];
  env: Record<string, string>;
  /** Node flags before `--import tsx`, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** A stdout line that says the server listens. */
  readyLine: RegExp;
  startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  /** The first stdout line (seen so far or still to come) that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL if the process has not exited after 10 s. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Why: a crashed bench must not leave servers holding ports and CPU behind it.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** The parent's environment without any ANTARA_ setting, so a developer's shell cannot skew a run. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('ANTARA_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Starts a server in its own Node process and resolves once it prints its ready line. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '--import', 'tsx', options.script, ...(options.args ?? [])],
    { cwd: REPO_ROOT, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters) waiter(line);
  });
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr = `${stderr}${line}\n`.slice(-4000);
    process.stderr.write(`[${options.name}] ${line}\n`);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );

  function waitForLine(pattern: RegExp, timeoutMs = 5000): Promise<RegExpExecArray> {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        waiters.delete(onLine);
        outcome();
      };
      const onLine = (line: string) => {
        const match = pattern.exec(line);
        if (match) done(() => resolve(match));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${options.name} printed no line matching ${pattern}`))),
        timeoutMs,
      );
      waiters.add(onLine);
      void exited.then((code) =>
        done(() => reject(new Error(`${options.name} exited (${code}) before ${pattern}:\n${stderr}`))),
      );
    });
  }

  async function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }

  try {
    await waitForLine(options.readyLine, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: options.name, pid: child.pid!, waitForLine, stop };
}
