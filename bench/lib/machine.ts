import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO_ROOT } from './server-process.js';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  arch: string;
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages when the invocation started: how busy the machine already was. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** The commit the code under test came from, or "unknown" outside a git checkout. */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
