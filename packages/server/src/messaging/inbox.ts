import { decodeCursor, encodeCursor } from '../apps/cursor.js';
import type { AppContext } from '../context.js';
import { AntaraError } from '../errors/antara-error.js';
import { toSeconds } from '../lib/clock.js';
import type { AppRow } from '../storage/repositories/apps.js';
import type { MessageReportRow } from '../storage/repositories/message-reports.js';
import type { MessageWithApp } from '../storage/repositories/messages.js';
import type { ReportReason } from './policy.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface InboxMessage {
  messageId: string;
  appId: string | null;
  appName: string | null;
  slug: string;
  subject: string | null;
  body: string;
  createdAt: number;
  readAt: number | null;
}

export function presentMessage({ message, appName }: MessageWithApp): InboxMessage {
  return {
    messageId: message.id,
    appId: message.app_id,
    appName,
    slug: message.slug,
    subject: message.subject,
    body: message.body,
    createdAt: toSeconds(message.created_at),
    readAt: message.read_at === null ? null : toSeconds(message.read_at),
  };
}

export function presentReport(report: MessageReportRow) {
  return {
    reportId: report.id,
    messageId: report.message_id,
    appId: report.app_id,
    reason: report.reason,
    note: report.note,
    createdAt: toSeconds(report.created_at),
  };
}

const noSuchMessage = () => new AntaraError('not_found', 'No such message in your inbox.');

/**
 * The person's inbox: reading, marking, deleting and reporting their messages and muting
 * apps. Every lookup is by (person, id), so another person's message is simply not found.
 */
export function createInbox(ctx: AppContext) {
  const { repos, clock } = ctx;

  async function find(userId: string, messageId: string): Promise<MessageWithApp> {
    const found = UUID.test(messageId) ? await repos.messages.findForUser(userId, messageId) : undefined;
    if (!found) throw noSuchMessage();
    return found;
  }

  /** The app a person may mute: any existing app (its id is public, as the OAuth client_id). */
  async function findApp(appId: string): Promise<AppRow> {
    const id = appId.toLowerCase();
    const app = UUID.test(id) ? await repos.apps.findById(id) : undefined;
    if (!app) throw new AntaraError('not_found', 'No such app.');
    return app;
  }

  return {
    find,
    findApp,

    async list(
      userId: string,
      query: { limit: number; cursor?: string; appId?: string; unread?: boolean },
    ): Promise<{ messages: MessageWithApp[]; nextCursor: string | null }> {
      const rows = await repos.messages.listForUser(userId, {
        limit: query.limit + 1,
        appId: query.appId?.toLowerCase(),
        unreadOnly: query.unread === true,
        before: decodeCursor(query.cursor),
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      const nextCursor = rows.length > query.limit && last ? encodeCursor(last.message) : null;
      return { messages: page, nextCursor };
    },

    async setRead(userId: string, messageId: string, read: boolean): Promise<MessageWithApp> {
      if (!UUID.test(messageId) || !(await repos.messages.setRead(userId, messageId, read, clock.now()))) {
        throw noSuchMessage();
      }
      return find(userId, messageId);
    },

    async remove(userId: string, messageId: string): Promise<void> {
      if (!UUID.test(messageId) || !(await repos.messages.deleteForUser(userId, messageId))) {
        throw noSuchMessage();
      }
    },

    async report(
      userId: string,
      messageId: string,
      reason: ReportReason,
      note: string | undefined,
    ): Promise<{ report: MessageReportRow; created: boolean }> {
      const { message } = await find(userId, messageId);
      return repos.messageReports.insertOrGet({
        id: ctx.random.uuid(),
        message_id: message.id,
        user_id: userId,
        sender_kind: message.sender_kind,
        sender_id: message.sender_id,
        app_id: message.app_id,
        reason,
        note: note?.trim() ? note.trim() : null,
        created_at: clock.now(),
      });
    },

    /** Mutes an app found with findApp; returns since when it is muted. */
    mute: (userId: string, appId: string): Promise<number> =>
      repos.messageMutes.mute(userId, appId, clock.now()),

    async unmute(userId: string, appId: string): Promise<void> {
      await repos.messageMutes.unmute(userId, appId);
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
