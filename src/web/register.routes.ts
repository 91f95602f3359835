import { exportRegister, registerPage } from '../features/supervision/index.js';
import { notFound, sendPage, viewerFor, type WebRoutes } from './context.js';
import { layout } from './layout.js';
import { readRegisterQuery } from './register.query.js';
import { registerBody } from './register.view.js';

/** The register (supervisors and observers, their scope) and its export: the same workbook as /export. */
export function registerRegisterRoutes({ app, deps }: WebRoutes) {
  app.get('/web/register', async (request, reply) => {
    const viewer = viewerFor(request, reply, ['supervisor', 'observer']);
    if (!viewer?.supervision) return;
    const query = await readRegisterQuery(deps, request, viewer.supervision);
    if (query === 'out_of_scope') return notFound(request, reply);
    const result = await registerPage(deps.db, viewer.supervision, query);
    const { t } = request;
    return sendPage(
      reply,
      layout(t, {
        title: t('web-nav-register'),
        current: 'register',
        language: request.language,
        viewer: { fullName: viewer.fullName, role: viewer.role },
        csrf: reply.generateCsrf(),
        body: registerBody(t, {
          query,
          result,
          supervisor: viewer.role === 'supervisor',
          timeZone: deps.config.timeZone,
          language: request.language,
        }),
      }),
    );
  });

  app.get('/web/register.xlsx', async (request, reply) => {
    const viewer = viewerFor(request, reply, ['supervisor', 'observer']);
    if (!viewer?.supervision) return;
    const query = await readRegisterQuery(deps, request, viewer.supervision);
    if (query === 'out_of_scope') return notFound(request, reply);
    const exported = await exportRegister(
      { db: deps.db, t: request.t, timeZone: deps.config.timeZone },
      viewer.supervision,
      query.period,
      query.filters,
    );
    deps.logger.info({ staffId: viewer.staffId, rows: exported.rows }, 'web register exported');
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${exported.fileName}"`)
      .header('cache-control', 'no-store')
      .send(exported.buffer);
  });
}
