import autocannon from 'autocannon';
import { processCpuSeconds } from './process-cpu.js';

/** What autocannon sends, minus where and how hard (the runner decides those for every target alike). */
export type LoadRequest = Omit<
  autocannon.Options,
  'url' | 'connections' | 'duration' | 'amount' | 'workers' | 'forever'
> & {
  /** Path on the target server, e.g. `/auth/introspect`. */
  path: string;
};

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  /** The server's process id, to record the CPU time it spent per request. */
  serverPid?: number;
}

/** The figures a result records for one target. Latencies in milliseconds. */
export interface LoadFigures {
  /** Mean of autocannon's per-second samples. */
  requestsPerSecond: number;
  requests: number;
  latencyMs: { mean: number; p50: number; p97_5: number; p99: number; max: number };
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
  /**
   * CPU time (µs, all threads) the server process spent per response. Steadier than req/s
   * on a shared machine; absent where /proc is not available.
   */
  serverCpuMicrosPerRequest?: number;
}

/** Loads `baseUrl + request.path` with autocannon from this process and summarises the run. */
export async function runLoad(
  baseUrl: string,
  request: LoadRequest,
  settings: LoadSettings,
): Promise<LoadFigures> {
  const { path, ...rest } = request;
  const cpuBefore = settings.serverPid === undefined ? undefined : processCpuSeconds(settings.serverPid);
  const result = await autocannon({
    ...rest,
    url: baseUrl + path,
    connections: settings.connections,
    duration: settings.durationSeconds,
  });
  const cpuAfter = settings.serverPid === undefined ? undefined : processCpuSeconds(settings.serverPid);
  const statusCodes: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[status] = stats.count ?? 0;
  }
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    requestsPerSecond: round(result.requests.average),
    requests: result.requests.total,
    latencyMs: {
      mean: round(result.latency.mean),
      p50: result.latency.p50,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    durationSeconds: result.duration,
    ...(cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0
      ? { serverCpuMicrosPerRequest: round(((cpuAfter - cpuBefore) * 1e6) / result.requests.total) }
      : {}),
  };
}
