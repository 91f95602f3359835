import { requestPage } from '../features/monitoring/index.js';
import { reassignRequest } from '../features/supervision/index.js';
import { notFound, sendPage, viewerFor, type WebRoutes } from './context.js';
import { layout } from './layout.js';
import { requestBody } from './request.view.js';

const requestId = (text: string) => (/^\d{1,9}$/.test(text) ? Number(text) : undefined);

/**
 * The Request page (supervisors) and reassignment from it: the supervision use case, so the same rules
 * (an open request in scope, an active curator of its district) and the same notices (the outbox row the
 * bot's button writes: the new curator, the old one and the family are told).
 */
export function registerRequestRoutes({ app, deps }: WebRoutes) {
  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(
    '/web/requests/:id',
    async (request, reply) => {
      const viewer = viewerFor(request, reply, ['supervisor']);
      if (!viewer) return;
      const id = requestId(request.params.id);
      const { t } = request;
      const view =
        id === undefined
          ? undefined
          : await requestPage(
              { db: deps.db, t, timeZone: deps.config.timeZone },
              { telegramId: viewer.telegramId, requestId: id },
            );
      if (!view) return notFound(request, reply);
      const notice = request.query.done
        ? t(`web-reassign-${request.query.done === 'refused' ? 'refused' : 'done'}`)
        : undefined;
      return sendPage(
        reply,
        layout(t, {
          title: t('web-request-title', { number: view.request.number }),
          current: 'request',
          language: request.language,
          viewer: { fullName: viewer.fullName, role: viewer.role },
          csrf: reply.generateCsrf(),
          body: requestBody(t, {
            view,
            csrf: reply.generateCsrf(),
            timeZone: deps.config.timeZone,
            language: request.language,
            ...(notice ? { notice } : {}),
          }),
        }),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: { toStaffId?: string } }>(
    '/web/requests/:id/reassign',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      const viewer = viewerFor(request, reply, ['supervisor']);
      if (!viewer) return;
      const id = requestId(request.params.id);
      const toStaffId = Number(request.body?.toStaffId);
      if (id === undefined || !Number.isSafeInteger(toStaffId)) return notFound(request, reply);
      const result = await reassignRequest(deps.db, {
        telegramId: viewer.telegramId,
        requestId: id,
        toStaffId,
      });
      if (!result.ok && result.refusal.reason === 'out_of_scope') return notFound(request, reply);
      deps.logger.info({ requestId: id, toStaffId, ok: result.ok }, 'web reassignment');
      return reply.redirect(`/web/requests/${id}?done=${result.ok ? 'reassigned' : 'refused'}`, 303);
    },
  );
}
