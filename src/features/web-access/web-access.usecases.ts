import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import type { WebRole } from '../../db/schema/index.js';
import { staffByTelegramId } from '../access/index.js';
import { findViewer, type SupervisionViewer } from '../supervision/index.js';
import { createWebAccessRepository } from './web-access.repository.js';

/** A sign-in link is good for this long, once. */
export const WEB_LINK_TTL_MS = 10 * 60_000;
/** A session nobody used for this long is over. */
export const WEB_SESSION_IDLE_MS = 12 * 3_600_000;
/** `last_seen_at` is written at most this often (not on every page and every poll). */
const TOUCH_EVERY_MS = 60_000;

export interface WebAccessDeps {
  db: Db;
  /** Telegram ids of the admins (WEB_ADMINS): they may open the Operations page. */
  adminTelegramIds: readonly number[];
}

/** Who is behind a session now: a supervisor or observer with their scope, or an admin. */
export interface WebViewer {
  sessionId: number;
  role: WebRole;
  telegramId: number;
  staffId: number | null;
  fullName: string;
  /** The supervision viewer (scope, role) of a supervisor or an observer; absent for an admin. */
  supervision?: SupervisionViewer;
}

export type WebLinkRefusal = 'curator' | 'stranger';
export type RedeemRefusal = 'forged' | 'used' | 'expired' | 'not_allowed';

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

/** Who this Telegram account may be on the site right now (an admin first), read from PostgreSQL. */
async function currentWebIdentity(db: DbOrTx, adminTelegramIds: readonly number[], telegramId: number) {
  if (adminTelegramIds.includes(telegramId)) {
    const member = await staffByTelegramId(db, telegramId);
    return {
      ok: true,
      role: 'admin' as WebRole,
      staffId: member?.active ? member.id : null,
      fullName: member?.fullName ?? 'admin',
      supervision: undefined,
    } as const;
  }
  const found = await findViewer(db, telegramId, { allowObservers: true });
  if (!found.ok) return { ok: false, reason: found.reason } as const;
  const { viewer } = found;
  return {
    ok: true,
    role: viewer.role as WebRole,
    staffId: viewer.id,
    fullName: viewer.fullName,
    supervision: viewer,
  } as const;
}

/**
 * /web: a one-time sign-in link for a supervisor, an observer or an admin — single use, valid 10 minutes,
 * bound to the Telegram account and the role it has now. The secret goes into the link, its hash into
 * PostgreSQL. A curator, a family member or a stranger gets a refusal.
 */
export async function issueWebLink(
  deps: WebAccessDeps,
  telegramId: number,
  now = new Date(),
): Promise<{ ok: true; secret: string; role: WebRole } | { ok: false; reason: WebLinkRefusal }> {
  const identity = await currentWebIdentity(deps.db, deps.adminTelegramIds, telegramId);
  if (!identity.ok) return { ok: false, reason: identity.reason === 'curator' ? 'curator' : 'stranger' };
  const secret = newSecret();
  await createWebAccessRepository({ db: deps.db }).insertLink({
    tokenHash: hashOf(secret),
    telegramId,
    role: identity.role,
    staffId: identity.staffId,
    expiresAt: new Date(now.getTime() + WEB_LINK_TTL_MS),
    createdAt: now,
  });
  return { ok: true, secret, role: identity.role };
}

/**
 * Opening a link: refused when nobody issued it, it was used or it expired, or its person no longer has
 * the role it was issued for; otherwise it is spent and a session starts (its secret for the cookie).
 */
export async function redeemWebLink(
  deps: WebAccessDeps,
  secret: string,
  now = new Date(),
): Promise<{ ok: true; sessionSecret: string } | { ok: false; reason: RedeemRefusal }> {
  return deps.db.transaction(async (tx) => {
    const repository = createWebAccessRepository({ db: tx });
    const link = await repository.lockLink(hashOf(secret));
    if (!link) return { ok: false, reason: 'forged' } as const;
    if (link.usedAt) return { ok: false, reason: 'used' } as const;
    if (link.expiresAt <= now) return { ok: false, reason: 'expired' } as const;
    await repository.markLinkUsed(link.id, now);
    const identity = await currentWebIdentity(tx, deps.adminTelegramIds, link.telegramId);
    if (!identity.ok || identity.role !== link.role) return { ok: false, reason: 'not_allowed' } as const;
    const sessionSecret = await openSession(repository, link.telegramId, identity, now);
    return { ok: true, sessionSecret } as const;
  });
}

/**
 * The viewer behind a session cookie, checked on every page against PostgreSQL as it is now: a session
 * idle for 12 hours, or whose person was deactivated or changed role, is ended and gives nothing.
 */
export async function webViewerOf(
  deps: WebAccessDeps,
  sessionSecret: string | undefined,
  now = new Date(),
): Promise<WebViewer | undefined> {
  if (!sessionSecret) return undefined;
  const repository = createWebAccessRepository({ db: deps.db });
  const session = await repository.sessionByHash(hashOf(sessionSecret));
  if (!session) return undefined;
  if (session.lastSeenAt.getTime() + WEB_SESSION_IDLE_MS <= now.getTime()) {
    await repository.endSession(session.id, 'idle', now);
    return undefined;
  }
  const identity = await currentWebIdentity(deps.db, deps.adminTelegramIds, session.telegramId);
  if (!identity.ok || identity.role !== session.role) {
    await repository.endSession(session.id, identity.ok ? 'role_changed' : 'deactivated', now);
    return undefined;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
    await repository.touchSession(session.id, now);
  return {
    sessionId: session.id,
    role: session.role,
    telegramId: session.telegramId,
    staffId: identity.staffId,
    fullName: identity.fullName,
    ...(identity.supervision ? { supervision: identity.supervision } : {}),
  };
}

/** Sign-out: the session ends in PostgreSQL (a copied cookie is worth nothing after it). */
export async function endWebSession(db: Db, sessionId: number, now = new Date()) {
  await createWebAccessRepository({ db }).endSession(sessionId, 'signed_out', now);
}

/** Deactivation ends every open session of the staff member at once. */
export async function endWebSessionsOfStaff(db: DbOrTx, staffId: number, now = new Date()) {
  return createWebAccessRepository({ db }).endSessionsOf(staffId, 'deactivated', now);
}

/** Telegram Login Widget data older than this is refused (it is not single-use like a /web link). */
export const TELEGRAM_LOGIN_MAX_AGE_S = 600;

/**
 * The Telegram Login Widget's answer, checked as Telegram documents it: the HMAC-SHA256 of the sorted
 * `key=value` lines (all but `hash`) with the SHA-256 of the bot token as the key, and a recent auth_date.
 * The Telegram id it vouches for, or undefined.
 */
export function verifyTelegramLogin(
  botToken: string,
  fields: Record<string, string | undefined>,
  now = new Date(),
): number | undefined {
  const { hash, ...data } = fields;
  if (!hash || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const lines = Object.entries(data)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'lang')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  const secret = createHash('sha256').update(botToken).digest();
  const expected = createHmac('sha256', secret).update(lines).digest();
  const given = Buffer.from(hash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const authDate = Number(data.auth_date);
  const id = Number(data.id);
  if (!Number.isSafeInteger(authDate) || !Number.isSafeInteger(id)) return undefined;
  if (now.getTime() / 1000 - authDate > TELEGRAM_LOGIN_MAX_AGE_S) return undefined;
  return id;
}

/**
 * The second way in (WEB_TELEGRAM_LOGIN, for a deployment with a domain): a Telegram id vouched for by the
 * Login Widget gets a session when that person may watch now, as an opened /web link would.
 */
export async function startWebSessionFor(deps: WebAccessDeps, telegramId: number, now = new Date()) {
  const identity = await currentWebIdentity(deps.db, deps.adminTelegramIds, telegramId);
  if (!identity.ok) return undefined;
  return openSession(createWebAccessRepository({ db: deps.db }), telegramId, identity, now);
}

/** A new session of this person in this role: its secret for the cookie, its hash in PostgreSQL. */
async function openSession(
  repository: ReturnType<typeof createWebAccessRepository>,
  telegramId: number,
  identity: { role: WebRole; staffId: number | null },
  now: Date,
) {
  const sessionSecret = newSecret();
  await repository.insertSession({
    tokenHash: hashOf(sessionSecret),
    telegramId,
    role: identity.role,
    staffId: identity.staffId,
    createdAt: now,
    lastSeenAt: now,
  });
  return sessionSecret;
}
