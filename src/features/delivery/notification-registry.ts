import type { SQL } from 'drizzle-orm';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Db, DbOrTx } from '../../db/client.js';
import type { I18n } from '../../i18n.js';
import type { SendClass } from '../../telegram/send-slots.js';
import type { OutgoingMessage } from '../../telegram/telegram-sender.js';
import type { Notification } from './notifications.repository.js';

export interface NotificationContent {
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
  /** Instead of a plain text: a relayed message (a copy, an album, an edit); see features/relay. */
  outgoing?: OutgoingMessage;
  /** Runs in the sending transaction with the ids Telegram gave the message(s). */
  afterSent?: (tx: DbOrTx, telegramMessageIds: number[]) => Promise<void>;
  /**
   * Like `afterSent`, a write made with the ids Telegram gave, as one data-modifying SQL statement that goes
   * in the statement marking the notification `sent` (a relayed copy's id on its messages row): one
   * statement fewer in every sending transaction.
   */
  sentWith?: (telegramMessageIds: number[]) => SQL;
  /**
   * What must follow this message (a card's attachments): made in the sending transaction, after
   * `afterSent`; returns the notifications it made, which are queued after the commit.
   */
  followUps?: (tx: DbOrTx, telegramMessageIds: number[]) => Promise<number[]>;
  /** Runs in the sending transaction when the recipient blocked the bot; returns notifications it made. */
  onUnreachable?: (tx: DbOrTx) => Promise<number[]>;
  /** Not to be sent before this moment. */
  notBefore?: Date;
  /**
   * Checked in the sending transaction, with the notification row locked, just before the send: false
   * withdraws it unsent (a reminder whose request went to another curator since it was made). A change
   * committed after this check finds the row `sent` once the send ends (retraction.ts waits for the lock).
   */
  stillWanted?: (tx: DbOrTx) => Promise<boolean>;
}

/** What a renderer reads: the database, the texts and the region's time zone. */
export interface RenderDeps {
  db: Db;
  i18n: I18n;
  timeZone: string;
}

/**
 * Builds a notification's content when it is sent: rows and job payloads keep ids only, so a card shows
 * the request as it is at that moment. Undefined when there is nothing true left to send.
 */
export type NotificationRenderer = (
  deps: RenderDeps,
  notification: Notification,
) => Promise<NotificationContent | undefined>;

/**
 * Renders several notifications together (a batched delivery turn's), reading what they share at once (a
 * relayed message's copies: one statement for all): one promise per notification, in their order, each
 * settling as `render`'s would for it alone.
 */
export type NotificationsRenderer = (
  deps: RenderDeps,
  notifications: readonly Notification[],
) => Array<Promise<NotificationContent | undefined>>;

/** What a feature tells delivery about the notifications it makes. */
export interface FeatureNotifications {
  kinds: readonly string[];
  render: NotificationRenderer;
  /** Several of its notifications at once; without it, each is rendered alone. */
  renderMany?: NotificationsRenderer;
  /**
   * The kinds that do not take the ordinary place ('notice') in the send budget (send-slots.ts): people
   * waiting for each other go first ('urgent'), digests last ('bulk').
   */
  sendClasses?: Readonly<Record<string, SendClass>>;
}

export interface NotificationRegistry {
  /** Undefined for a kind nobody registered (recorded as failed, not retried) or nothing left to send. */
  render(deps: RenderDeps, notification: Notification): Promise<NotificationContent | undefined>;
  /** Several at once (NotificationsRenderer): each feature's together, as its `renderMany` can. */
  renderMany: NotificationsRenderer;
  sendClassOf(kind: string): SendClass;
}

/**
 * Delivery's registry of notification kinds: each feature hands in its kinds and renderer when the app is
 * composed (app.ts), so delivery sends what features make without knowing any of them.
 */
export function createNotificationRegistry(features: readonly FeatureNotifications[]): NotificationRegistry {
  const byKind = new Map<string, FeatureNotifications>();
  const sendClasses = new Map<string, SendClass>();
  for (const feature of features) {
    for (const kind of feature.kinds) {
      if (byKind.has(kind)) throw new Error(`notification kind ${kind} is registered twice`);
      byKind.set(kind, feature);
    }
    for (const [kind, sendClass] of Object.entries(feature.sendClasses ?? {})) {
      if (!feature.kinds.includes(kind))
        throw new Error(`send class for kind ${kind} not registered with it`);
      sendClasses.set(kind, sendClass);
    }
  }
  const render: NotificationRegistry['render'] = async (deps, notification) =>
    byKind.get(notification.kind)?.render(deps, notification);
  return {
    render,
    renderMany(deps, notifications) {
      const rendered: Array<Promise<NotificationContent | undefined>> = [];
      const together = new Map<FeatureNotifications, number[]>();
      for (const [index, notification] of notifications.entries()) {
        const feature = byKind.get(notification.kind);
        if (feature?.renderMany) together.set(feature, [...(together.get(feature) ?? []), index]);
        else rendered[index] = render(deps, notification);
      }
      for (const [feature, indexes] of together) {
        const theirs = feature.renderMany!(
          deps,
          indexes.map((index) => notifications[index]!),
        );
        for (const [k, index] of indexes.entries()) rendered[index] = theirs[k]!;
      }
      return rendered;
    },
    sendClassOf: (kind) => sendClasses.get(kind) ?? 'notice',
  };
}
