import type { FastifyReply } from 'fastify';
import {
  endWebSession,
  redeemWebLink,
  startWebSessionFor,
  verifyTelegramLogin,
} from '../features/web-access/index.js';
import { SESSION_COOKIE, sendPage, viewerFor, type WebRoutes } from './context.js';
import { homeOf, messagePage } from './layout.js';

/** Sign-in by the bot's one-time link, sign-out, and `/web` itself (to the role's start page). */
export function registerAuthRoutes({ app, deps, cookie }: WebRoutes) {
  const access = { db: deps.db, adminTelegramIds: deps.config.web.adminTelegramIds };
  /** The session cookie: HttpOnly, SameSite=Lax, Secure behind https; then the role's start page. */
  const signedIn = (reply: FastifyReply, sessionSecret: string) => {
    reply.setCookie(SESSION_COOKIE, sessionSecret, {
      path: '/web',
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'lax',
    });
    return reply.redirect('/web', 303);
  };

  app.get('/web', async (request, reply) => {
    const viewer = viewerFor(request, reply, ['supervisor', 'observer', 'admin']);
    if (viewer) return reply.redirect(homeOf(viewer.role), 303);
  });

  // Opening the link spends it: the bot sends it without a preview, so no crawler opens it first. 30 tries a
  // minute per address: a whole office behind one address signs in, a guesser of 256-bit secrets gets nowhere.
  app.get<{ Params: { secret: string } }>(
    '/web/login/:secret',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const { t } = request;
      const secret = request.params.secret;
      const redeemed = /^[A-Za-z0-9_-]{20,100}$/.test(secret)
        ? await redeemWebLink(access, secret)
        : ({ ok: false, reason: 'forged' } as const);
      if (!redeemed.ok) {
        deps.logger.info({ reason: redeemed.reason }, 'web sign-in refused');
        const key = `web-login-${redeemed.reason.replace('_', '-')}`;
        reply.code(redeemed.reason === 'forged' ? 404 : 410);
        return sendPage(reply, messagePage(t, request.language, t(`${key}-title`), t(key)));
      }
      deps.logger.info('web sign-in');
      return signedIn(reply, redeemed.sessionSecret);
    },
  );

  // The Telegram Login Widget's redirect (WEB_TELEGRAM_LOGIN=on): checked, then a session as a link gives.
  app.get(
    '/web/telegram-login',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const { t } = request;
      const telegramId = deps.config.web.telegramLogin
        ? verifyTelegramLogin(deps.config.botToken, request.query as Record<string, string | undefined>)
        : undefined;
      const sessionSecret =
        telegramId === undefined ? undefined : await startWebSessionFor(access, telegramId);
      if (!sessionSecret) {
        deps.logger.info({ verified: telegramId !== undefined }, 'web widget sign-in refused');
        reply.code(telegramId === undefined ? 404 : 410);
        const key = telegramId === undefined ? 'web-login-forged' : 'web-login-not-allowed';
        return sendPage(reply, messagePage(t, request.language, t(`${key}-title`), t(key)));
      }
      deps.logger.info('web sign-in by the login widget');
      return signedIn(reply, sessionSecret);
    },
  );

  app.post('/web/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    const { t, viewer } = request;
    if (viewer) await endWebSession(deps.db, viewer.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/web' });
    return sendPage(reply, messagePage(t, request.language, t('web-signed-out-title'), t('web-signed-out')));
  });
}
