import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { AntaraError, type AntaraServer, WebhookVerificationError } from '@antara/server-sdk';
import type { DemoConfig } from './config.js';
import { callbackPage, type DemoUser, homePage, type ReceivedEvent, webhooksPage } from './pages.js';

const SESSION_COOKIE = 'demo_session';
const MAX_BODY_BYTES = 64 * 1024;

interface Session {
  user: DemoUser;
  csrf: string;
}

export interface DemoDeps {
  config: DemoConfig;
  antara: AntaraServer;
  /** The page script, see browser-bundle.ts. */
  pageScript: string;
  /** The `whsec_` secret deliveries are verified with, once known. */
  webhookSecret: () => string | undefined;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const sameString = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The demo's HTTP server: pages, the session hand-over, sending, and the webhook receiver. */
export function createDemoServer(deps: DemoDeps): http.Server {
  const { config, antara } = deps;
  const sessions = new Map<string, Session>();
  const events: ReceivedEvent[] = [];
  let rejected = 0;

  const sessionOf = (req: http.IncomingMessage) => {
    const id = cookie(req, SESSION_COOKIE);
    return id ? sessions.get(id) : undefined;
  };
  const html = (res: http.ServerResponse, body: string, status = 200): void => {
    res
      .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(body);
  };
  const redirect = (res: http.ServerResponse, to: string, headers: http.OutgoingHttpHeaders = {}): void => {
    res.writeHead(303, { location: to, ...headers }).end();
  };
  const form = async (req: http.IncomingMessage, session: Session) => {
    const fields = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (!sameString(fields.get('csrf') ?? '', session.csrf))
      throw new HttpError(403, 'stale form, reload the page');
    return fields;
  };

  async function startSession(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new HttpError(415, 'send JSON');
    const { accessToken } = JSON.parse((await readBody(req)).toString('utf8')) as { accessToken?: unknown };
    if (typeof accessToken !== 'string') throw new HttpError(400, 'accessToken missing');
    // Never trust what the browser says about the person: ask Antara about the token.
    const { appId } = await antara.connect();
    const token = await antara.introspect(accessToken);
    if (!token.active || token.audience !== appId || !token.identity) {
      throw new HttpError(401, 'that token is not a live login to this app');
    }
    const { identity } = token;
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, {
      csrf: randomBytes(32).toString('base64url'),
      user: {
        userId: identity.userId,
        slug: identity.slug,
        alias: identity.alias,
        trustLevel: identity.trustLevel,
        verified: identity.verified,
        scopes: token.scopes ?? [],
      },
    });
    res.writeHead(204, { 'set-cookie': `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` }).end();
  }

  async function send(req: http.IncomingMessage, res: http.ServerResponse, session: Session) {
    const fields = await form(req, session);
    const message = fields.get('message')?.trim();
    if (!message) throw new HttpError(400, 'write a message');
    const subject = fields.get('subject')?.trim();
    // The person's current slug: they may have rotated it since they signed in.
    const { slug } = await antara.lookup(session.user.userId);
    const sent = await antara.send({ slug, message, ...(subject ? { subject } : {}) });
    redirect(res, `/?sent=${encodeURIComponent(sent.messageId)}`);
  }

  async function receiveWebhook(req: http.IncomingMessage, res: http.ServerResponse) {
    const body = await readBody(req);
    const secret = deps.webhookSecret();
    if (!secret) throw new HttpError(503, 'no webhook secret configured');
    try {
      const event = antara.webhooks.verify(body, req.headers, secret);
      // Deliveries are at-least-once: an id seen before is acknowledged and ignored.
      if (!events.some((e) => e.event.id === event.id)) events.unshift({ event, receivedAt: new Date() });
      res.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      rejected++;
      res.writeHead(400, { 'content-type': 'text/plain' }).end(error.code);
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', config.publicUrl);
    const session = sessionOf(req);
    const key = `${req.method} ${url.pathname}`;
    switch (key) {
      case 'GET /':
        return html(
          res,
          homePage(config, session?.user, session?.csrf ?? '', url.searchParams.get('sent') ?? undefined),
        );
      case 'GET /callback':
        return html(res, callbackPage(config));
      case 'GET /app.js':
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(deps.pageScript);
        return;
      case 'POST /session':
        return startSession(req, res);
      case 'POST /send':
        if (!session) return redirect(res, '/');
        return send(req, res, session);
      case 'POST /logout':
        if (session) {
          await form(req, session);
          sessions.delete(cookie(req, SESSION_COOKIE) ?? '');
        }
        return redirect(res, '/', { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` });
      case 'POST /webhooks/antara':
        return receiveWebhook(req, res);
      case 'GET /webhooks':
        return html(res, webhooksPage(config, events, rejected));
      default:
        throw new HttpError(404, 'not found');
    }
  }

  return http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof AntaraError ? 502 : 500;
      const message =
        error instanceof AntaraError
          ? `Antara said ${error.code}: ${error.message} (request ${error.requestId ?? 'n/a'})`
          : (error as Error).message;
      if (status >= 500) console.error(error);
      if (!res.headersSent)
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
    });
  });
}
