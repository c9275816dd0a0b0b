import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps every mail it receives. */
export interface SmtpPeer {
  url: string;
  mails: ReceivedMail[];
  /** Resolves with the next (or an already received, unclaimed) mail to an address. */
  nextMailTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** The 6-digit code and the sign-in link (magic link) of the next mail to an address. */
  signInMailFor(address: string): Promise<{ code: string; link: string }>;
  /** The 6-digit code of the next mail to an address. */
  codeFor(address: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSmtpPeer(): Promise<SmtpPeer> {
  const mails: ReceivedMail[] = [];
  const claimed = new Set<ReceivedMail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        raw += chunk;
      });
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw });
        for (const wake of waiters.splice(0)) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  async function nextMailTo(address: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const wanted = address.toLowerCase();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = mails.find((m) => !claimed.has(m) && m.to.includes(wanted));
      if (mail) {
        claimed.add(mail);
        return mail;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async function signInMailFor(address: string) {
    const text = bodyText((await nextMailTo(address)).raw);
    const code = /sign-in code is (\d{6})/.exec(text)?.[1];
    const link = /(https?:\/\/\S+\/auth\/email\/magic\?\S+)/.exec(text)?.[1];
    if (!code || !link) throw new Error(`no sign-in code and link in the mail to ${address}`);
    return { code, link };
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    nextMailTo,
    signInMailFor,
    codeFor: async (address) => (await signInMailFor(address)).code,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body of a raw text mail, with quoted-printable (how long lines travel) undone. */
function bodyText(raw: string): string {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(head)) return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
