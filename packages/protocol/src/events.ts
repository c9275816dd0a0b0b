/**
 * The webhook event catalogue (CONTRACT §6). Payloads carry app-facing values only:
 * the per-app `userId` and `slug`, never an email, phone or account id.
 */
export interface IdentityApprovedData {
  appId: string;
  userId: string;
  slug: string;
  alias: string | null;
  scopes: string[];
}

export interface MessageDeliveredData {
  appId: string;
  messageId: string;
  userId: string;
  slug: string;
}

export interface PermissionChangedData {
  appId: string;
  userId: string;
  /** What changed: the grant was revoked, its scopes changed, its slug rotated or its alias renamed. */
  change: 'revoked' | 'scopes' | 'slug' | 'alias';
  before: { slug?: string; alias?: string | null; scopes?: string[]; status?: string };
  after: { slug?: string; alias?: string | null; scopes?: string[]; status?: string };
}

export interface EventDataByType {
  'identity.approved': IdentityApprovedData;
  'message.delivered': MessageDeliveredData;
  'permission.changed': PermissionChangedData;
}

export type EventType = keyof EventDataByType;

export const EVENT_TYPES: readonly EventType[] = [
  'identity.approved',
  'message.delivered',
  'permission.changed',
];

/** The body of every webhook delivery. `timestamp` is ISO 8601. */
export interface WebhookPayload<T extends EventType = EventType> {
  type: T;
  timestamp: string;
  data: EventDataByType[T];
}
