import type { Mailer } from './mailer.js';

/** Without SMTP, each mail becomes one clear log line so a developer can read the code. */
export function createLogMailer(log: (line: string) => void): Mailer {
  return {
    async send(mail) {
      log(`[mail] to=${mail.to} subject="${mail.subject}" ${mail.text.replace(/\s+/g, ' ').trim()}`);
    },
    close: async () => undefined,
  };
}
