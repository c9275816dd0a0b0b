export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail. SMTP through nodemailer when configured, otherwise one log line per mail. */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}
