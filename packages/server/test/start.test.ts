import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killGroup, type Served, startNpmStart, startServe, tempDataDir } from './support/antara-process.js';
import { type SmtpPeer, startSmtpPeer } from './support/smtp-peer.js';

const post = (url: string, body: object) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('npm start, as the README says', () => {
  const data = tempDataDir();
  let served: Served | undefined;
  afterAll(() => {
    if (served) killGroup(served);
    data.remove();
  });

  it('prints where it listens and where codes appear, signs in with the code from its log, and stops on SIGTERM', async () => {
    // ANTARA_LOG_LEVEL=info is the default; the support code would otherwise quieten it.
    served = await startNpmStart({ ANTARA_DATA_DIR: data.dir, ANTARA_LOG_LEVEL: 'info' });
    const port = new URL(served.baseUrl).port;
    const printed = () => served!.output().stdout;
    expect(printed()).toContain(
      `Antara listening on http://localhost:${port} (database sqlite:${path.join(data.dir, 'antara.sqlite')})`,
    );
    expect(printed()).toContain('No ANTARA_SMTP_URL: sign-in codes appear in this log as "[mail] …" lines.');

    const ready = await fetch(`${served.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { data: unknown }).data).toEqual({ status: 'ready', database: 'sqlite' });

    const start = await post(`${served.baseUrl}/auth/email/start`, { email: 'newcomer@example.com' });
    const { challengeId } = ((await start.json()) as { data: { challengeId: string } }).data;
    const mailLines = () =>
      printed()
        .split('\n')
        .filter((line) => line.startsWith('[mail] to=newcomer@example.com'));
    for (let i = 0; i < 100 && mailLines().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    // One line per mail, with the code and the sign-in link.
    expect(mailLines()).toHaveLength(1);
    const line = mailLines()[0]!;
    const code = /sign-in code is (\d{6})/.exec(line)?.[1];
    const link = /(http:\/\/localhost:\d+\/auth\/email\/magic\?\S+)/.exec(line)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(link).toBeDefined();

    // Opening the link is logged as a request, but never with its token.
    const token = new URL(link!).searchParams.get('token')!;
    const { pathname, search } = new URL(link!);
    expect((await fetch(`${served.baseUrl}${pathname}${search}`)).status).toBe(200);

    const verify = await post(`${served.baseUrl}/auth/email/verify`, { challengeId, code });
    expect(verify.status).toBe(200);

    served.child.kill('SIGTERM');
    const finished = await served.exited;
    expect(finished.code).toBe(0);
    // Log lines and these lines reach the pipe by different writers, so only presence is certain.
    expect(finished.stdout.split('\n')).toContain('stopped');
    const requestLines = finished.stdout.split('\n').filter((l) => l.includes('/auth/email/magic'));
    expect(requestLines.some((l) => l.startsWith('{'))).toBe(true);
    expect(requestLines.filter((l) => l.includes(token))).toEqual([line]);
  });
});

describe('antara serve with ANTARA_SMTP_URL', () => {
  let smtp: SmtpPeer;
  let served: Served | undefined;
  const data = tempDataDir();
  afterEach(async () => {
    if (served && served.child.exitCode === null) {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    await smtp?.close();
    data.remove();
  });

  it('says where codes are mailed, mails them there, and writes none to its log', async () => {
    smtp = await startSmtpPeer();
    served = await startServe({ ANTARA_DATA_DIR: data.dir, ANTARA_SMTP_URL: smtp.url });
    expect(served.output().stdout).toContain(`Sign-in codes are mailed through ${new URL(smtp.url).host}.`);
    const start = await post(`${served.baseUrl}/auth/email/start`, { email: 'mailed@example.com' });
    expect(start.status).toBe(200);
    const { code } = await smtp.signInMailFor('mailed@example.com');
    expect(served.output().stdout).not.toContain('[mail]');
    expect(served.output().stdout).not.toContain(code);
  });
});
