import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: `--import tsx` resolves from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = path.join(REPO_ROOT, 'packages/server/src/main.ts');

/**
 * The environment of a spawned Antara: only what a shell would have plus the given settings,
 * so that nothing of the test process (no stray ANTARA_*) leaks into the child.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `antara <args>` (as `node --import tsx packages/server/src/main.ts`) to completion. */
export function runAntara(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: REPO_ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`antara ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running `antara serve`. */
export interface Served {
  child: ChildProcess;
  baseUrl: string;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when the process has exited. */
  exited: Promise<Finished>;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `antara serve` on 127.0.0.1 and resolves once it says it is listening. */
export function startServe(env: Record<string, string>, timeoutMs = 30_000): Promise<Served> {
  return startListening([process.execPath, '--import', 'tsx', MAIN, 'serve'], env, timeoutMs);
}

/** Starts Antara the way the README says, `npm start`, on 127.0.0.1 and a free port. */
export function startNpmStart(env: Record<string, string>, timeoutMs = 60_000): Promise<Served> {
  // In a process group of its own, so that a test can end npm and the server together.
  return startListening(['npm', 'start'], env, timeoutMs, { detached: true });
}

/** Ends a process started detached and everything it started (its process group). */
export function killGroup(served: Served): void {
  try {
    process.kill(-served.child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function startListening(
  [command = '', ...args]: string[],
  env: Record<string, string>,
  timeoutMs: number,
  options: { detached?: boolean } = {},
): Promise<Served> {
  const port = await freePort();
  const child = spawn(command, args, {
    detached: options.detached ?? false,
    cwd: REPO_ROOT,
    env: childEnv({ HOST: '127.0.0.1', PORT: String(port), ANTARA_LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const deadline = Date.now() + timeoutMs;
  while (!/Antara listening on /.test(stdout)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`antara serve exited early (${child.exitCode}):\n${stdout}\n${stderr}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`antara serve did not start in ${timeoutMs} ms:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => ({ stdout, stderr }), exited };
}

/** A fresh empty directory for ANTARA_DATA_DIR, and how to remove it. */
export function tempDataDir(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'antara-proc-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
