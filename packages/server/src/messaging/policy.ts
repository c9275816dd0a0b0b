import type { RatePolicy } from '../http/rate-limit.js';

/** The domain of every messaging address: `<slug>@useantara.com` (CONTRACT §1). */
export const MESSAGING_DOMAIN = 'useantara.com';

/** Limits of one message (docs/messaging.md). Lengths count Unicode code points. */
export const MESSAGE_LIMITS = {
  bodyMaxLength: 10_000,
  subjectMaxLength: 200,
  idempotencyKeyMaxLength: 255,
} as const;

/** How long the first response to an Idempotency-Key is kept and replayed (CONTRACT §5). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Sending budgets, per sender (an app, later a capability token): overall, and towards one
 * address, so that no app can flood a person even while it stays under its overall budget.
 */
export const SEND_RATES = {
  perSender: { name: 'messages:sender', limit: 6000, windowMs: 60_000 },
  perRecipient: { name: 'messages:sender-recipient', limit: 30, windowMs: 60_000 },
} as const satisfies Record<string, RatePolicy>;

/** Inbox pages: most messages per page and the default. */
export const INBOX_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/** Why a person reports a message; stored for the trust model. */
export const REPORT_REASONS = ['spam', 'abuse', 'phishing', 'unwanted', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
