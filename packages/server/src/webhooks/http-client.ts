import { performance } from 'node:perf_hooks';
import { Agent, errors, request } from 'undici';
import { type DestinationPolicy, judgeAddress } from './address-policy.js';
import { checkedLookup, DestinationRefusedError, type HostResolver } from './destination.js';
import { parseIp } from './ip-address.js';
import { parseRetryAfter } from './retry-schedule.js';

/** How long one attempt may take, connect to last byte. */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** How much of a response is kept with the attempt. */
export const EXCERPT_BYTES = 1024;
/** How much of a response is read at most; the rest is dropped with the connection. */
const READ_LIMIT_BYTES = 64 * 1024;

/** What one HTTP attempt produced. `statusCode` is absent when no response arrived. */
export interface AttemptResult {
  statusCode?: number;
  retryAfterMs?: number;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/** Sends signed webhook bodies. Passed into the dispatcher, so tests may wrap or replace it. */
export interface WebhookClient {
  post(url: string, headers: Record<string, string>, body: string, now: number): Promise<AttemptResult>;
  close(): Promise<void>;
}

/**
 * The undici client for webhooks: every socket resolves its host through {@link checkedLookup}
 * and so connects only to an address the SSRF policy allowed; literal IP hosts (which skip DNS)
 * are judged before any socket opens. Redirects are never followed; the whole attempt is
 * bounded by `timeoutMs`.
 */
export function createWebhookClient(options: {
  policy: DestinationPolicy;
  resolve: HostResolver;
  timeoutMs?: number;
}): WebhookClient {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const agent = new Agent({
    connect: { lookup: checkedLookup(options.policy, options.resolve), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
  });

  // Literal IP hosts never reach the checked lookup (sockets skip DNS for them), so they are
  // judged here; the verdict per URL is kept, the policy being fixed for the client's life.
  const literalRefusals = new Map<string, string | null>();
  function literalRefusal(url: string): string | null {
    let refusal = literalRefusals.get(url);
    if (refusal === undefined) {
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      const verdict = parseIp(host) ? judgeAddress(host, options.policy) : null;
      refusal = verdict && !verdict.allowed ? `refused: ${host} is a ${verdict.category} address` : null;
      if (literalRefusals.size >= 10_000) literalRefusals.clear();
      literalRefusals.set(url, refusal);
    }
    return refusal;
  }

  return {
    async post(url, headers, body, now) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const refused = literalRefusal(url);
      if (refused) return { latencyMs: 0, excerpt: null, error: refused };
      try {
        const response = await request(url, {
          dispatcher: agent,
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Antara-Webhooks/1' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const excerpt = await readExcerpt(response.body);
        const status = response.statusCode;
        const retryAfterHeader = response.headers['retry-after'];
        const retryAfterMs = parseRetryAfter(
          Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
          now,
        );
        const location = response.headers.location;
        let error: string | null = null;
        if (status >= 300 && status < 400) {
          error = `redirect not followed${location ? ` (Location: ${String(location).slice(0, 200)})` : ''}`;
        } else if (status < 200 || status >= 300) {
          error = `HTTP ${status}`;
        }
        return {
          statusCode: status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          latencyMs: elapsed(),
          excerpt,
          error,
        };
      } catch (error) {
        return { latencyMs: elapsed(), excerpt: null, error: describeFailure(error, timeoutMs) };
      }
    },
    close: () => agent.close(),
  };
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string | null> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let readBytes = 0;
  for await (const chunk of body) {
    if (keptBytes < EXCERPT_BYTES) {
      const part = chunk.subarray(0, EXCERPT_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    readBytes += chunk.length;
    if (readBytes >= READ_LIMIT_BYTES) {
      body.destroy();
      break;
    }
  }
  return keptBytes === 0 ? null : Buffer.concat(kept).toString('utf8');
}

/** One line for the attempt log, without stack traces or internal detail. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const cause = (error as { cause?: unknown })?.cause;
  for (const e of [error, cause]) {
    if (e instanceof DestinationRefusedError) return `refused: ${e.message}`;
  }
  const name = (error as Error)?.name;
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return `timed out after ${timeoutMs} ms`;
  }
  const code = (error as { code?: string })?.code ?? (cause as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS error (${code})`;
  return `request failed${code ? ` (${code})` : ''}: ${String((error as Error)?.message ?? error).slice(0, 200)}`;
}
