import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Language } from '../db/schema/enums.js';
import { webViewerOf } from '../features/web-access/index.js';
import type { Translate } from '../i18n.js';
import { registerAuthRoutes } from './auth.routes.js';
import { notFound, SESSION_COOKIE, type WebDeps } from './context.js';
import { registerFamiliesRoutes } from './families.routes.js';
import { messagePage } from './layout.js';
import { registerOperationsRoutes } from './operations.routes.js';
import { registerOverviewRoutes } from './overview.routes.js';
import { registerRegisterRoutes } from './register.routes.js';
import { registerRequestRoutes } from './request.routes.js';

const LANGUAGE_COOKIE = 'patronazh_lang';

/** The page's language: `?lang=` (remembered in a cookie), the cookie, the browser's, Russian first. */
function languageOf(request: FastifyRequest, reply: FastifyReply): Language {
  const asked = (request.query as { lang?: string } | undefined)?.lang;
  if (asked === 'ru' || asked === 'en') {
    reply.setCookie(LANGUAGE_COOKIE, asked, { path: '/web', sameSite: 'lax', maxAge: 365 * 86_400 });
    return asked;
  }
  const kept = request.cookies[LANGUAGE_COOKIE];
  if (kept === 'ru' || kept === 'en') return kept;
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'ru';
}

/**
 * The monitoring site on Fastify. Plugins, each for one reason: cookie (the session and the CSRF secret),
 * formbody (the site's forms post urlencoded), csrf-protection (every state-changing form carries a token),
 * rate-limit (the sign-in link endpoint, against guessing), static (the stylesheet, the page script and
 * Apache ECharts straight from node_modules, no bundler).
 */
export async function createWebServer(deps: WebDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: true, bodyLimit: 64 * 1024 });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  const secure = deps.config.web.publicUrl.startsWith('https:');
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/web', httpOnly: true, sameSite: 'lax', secure },
  });
  // Tries counted in Redis, shared by every web process behind a balancer; with Redis away the sign-in stays
  // open (a link's secret is 256 bits: the limit is against noise, and watching must not stop with Redis).
  await app.register(fastifyRateLimit, {
    global: false,
    ...(deps.redis
      ? { redis: deps.redis, nameSpace: `${deps.config.redisPrefix}:web-tries:`, skipOnError: true }
      : {}),
  });
  const require = createRequire(import.meta.url);
  await app.register(fastifyStatic, {
    root: [join(dirname(fileURLToPath(import.meta.url)), 'assets'), dirname(require.resolve('echarts'))],
    prefix: '/web/assets/',
    allowedPath: (path) => /^\/(app\.(js|css)|echarts\.min\.js)$/.test(path),
    maxAge: 3_600_000,
  });
  app.decorateRequest('viewer', undefined);
  app.decorateRequest('language', 'ru');
  app.decorateRequest('t', undefined as unknown as Translate);
  const site = {
    widgetBot: deps.config.web.telegramLogin ? deps.config.botUsername : undefined,
    publicUrl: deps.config.web.publicUrl,
  };
  app.decorateRequest('site', { getter: () => site });
  app.addHook('onRequest', async (request, reply) => {
    request.language = languageOf(request, reply);
    request.t = deps.i18n.forLanguage(request.language);
    if (request.url.startsWith('/web/assets/') || request.url.startsWith('/web/login/')) return;
    request.viewer = await webViewerOf(
      { db: deps.db, adminTelegramIds: deps.config.web.adminTelegramIds },
      request.cookies[SESSION_COOKIE],
    );
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) deps.logger.error({ err: error, path: request.routeOptions.url }, 'web page failed');
    const t = request.t ?? deps.i18n.forLanguage('ru');
    const key = status === 403 ? 'web-forbidden' : status === 429 ? 'web-too-many' : 'web-failed';
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(messagePage(t, request.language ?? 'ru', t(`${key}-title`), t(key)).value);
  });
  app.setNotFoundHandler((request, reply) => notFound(request, reply));
  const routes = { app, deps, cookie: { secure } };
  registerAuthRoutes(routes);
  registerOverviewRoutes(routes);
  registerRegisterRoutes(routes);
  registerRequestRoutes(routes);
  registerFamiliesRoutes(routes);
  await registerOperationsRoutes(routes);
  return app;
}
