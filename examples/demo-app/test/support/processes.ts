import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

export interface RunningProcess {
  child: ChildProcess;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node …args` and resolves once a line of its output matches `ready`. */
export function startProcess(
  args: string[],
  options: { cwd: string; env: Record<string, string>; ready: RegExp; timeoutMs?: number },
): Promise<RunningProcess> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const running: RunningProcess = {
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void running.stop();
      reject(new Error(`not ready within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const watch = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolve(running);
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Runs `node …args` to completion and returns its standard output. */
export async function runProcess(args: string[], options: { cwd: string; env: Record<string, string> }) {
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  return stdout;
}
