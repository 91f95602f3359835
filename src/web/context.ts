import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Language } from '../db/schema/enums.js';
import type { WebViewer } from '../features/web-access/index.js';
import type { I18n, Translate } from '../i18n.js';
import type { Logger } from '../logger.js';
import { html } from './html.js';
import { layout, messagePage } from './layout.js';

export interface WebDeps {
  config: Config;
  db: Db;
  i18n: I18n;
  logger: Logger;
  /** The queues Bull Board shows admins (the web role opens them on a connection of its own). */
  queues: Queue[];
  /** Where the sign-in endpoints count tries, so that every web process shares one limit (else per process). */
  redis?: Redis;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: WebViewer | undefined;
    language: Language;
    t: Translate;
    /** What the sign-in page needs of the configuration: the widget's bot (when turned on), the address. */
    site: { widgetBot: string | undefined; publicUrl: string };
  }
}

export const SESSION_COOKIE = 'patronazh_web';
export type WebRoutes = { app: FastifyInstance; deps: WebDeps; cookie: { secure: boolean } };

/** 404 for anything unknown or outside the viewer's reach: existence is not revealed. */
export function notFound(request: FastifyRequest, reply: FastifyReply) {
  const t = request.t;
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(messagePage(t, request.language, t('web-not-found-title'), t('web-not-found')).value);
}

/**
 * The viewer if their role may open this page; otherwise the reply is sent (sign-in page without a
 * session, 404 for a role the page is not for) and undefined returned.
 */
export function viewerFor(
  request: FastifyRequest,
  reply: FastifyReply,
  roles: readonly WebViewer['role'][],
): WebViewer | undefined {
  const { viewer } = request;
  if (!viewer) {
    reply.code(401).type('text/html; charset=utf-8').send(signInPage(request).value);
    return undefined;
  }
  if (!roles.includes(viewer.role)) {
    notFound(request, reply);
    return undefined;
  }
  return viewer;
}

/** Who is not signed in: how to get a link, and the Telegram Login Widget where it is turned on. */
function signInPage(request: FastifyRequest) {
  const { t } = request;
  const { widgetBot, publicUrl } = request.site;
  const widget = widgetBot
    ? html`<p>${t('web-sign-in-widget')}</p><script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="${widgetBot}" data-size="large" data-auth-url="${publicUrl}/web/telegram-login"></script>`
    : '';
  return layout(t, {
    title: t('web-sign-in-title'),
    current: 'none',
    language: request.language,
    body: html`<p class="notice" role="status">${t('web-sign-in')}</p>${widget}`,
  });
}

/** Sends a page as HTML. */
export function sendPage(reply: FastifyReply, page: { value: string }) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page.value);
}
