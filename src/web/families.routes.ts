import { familiesOverview } from '../features/monitoring/index.js';
import { notFound, sendPage, viewerFor, type WebRoutes } from './context.js';
import { familiesBody } from './families.view.js';
import { layout } from './layout.js';
import { readPeriodQuery } from './query.js';

/** The Families page (supervisors): passport coverage and support measures per district of their scope. */
export function registerFamiliesRoutes({ app, deps }: WebRoutes) {
  app.get('/web/families', async (request, reply) => {
    const viewer = viewerFor(request, reply, ['supervisor']);
    if (!viewer?.supervision) return;
    const query = await readPeriodQuery(deps, request, viewer.supervision);
    if (query === 'out_of_scope') return notFound(request, reply);
    const data = await familiesOverview(deps.db, viewer.supervision, {
      ...(query.districtId === undefined ? {} : { districtId: query.districtId }),
      timeZone: deps.config.timeZone,
    });
    const { t } = request;
    return sendPage(
      reply,
      layout(t, {
        title: t('web-nav-families'),
        current: 'families',
        language: request.language,
        viewer: { fullName: viewer.fullName, role: viewer.role },
        csrf: reply.generateCsrf(),
        body: familiesBody(t, query, data),
        scripts: ['/web/assets/echarts.min.js', '/web/assets/app.js'],
      }),
    );
  });
}
