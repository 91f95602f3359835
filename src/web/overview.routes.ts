import { overview } from '../features/monitoring/index.js';
import { consultationFigures, consultationStatsText } from '../features/psychologists/index.js';
import { formatRegionTime } from '../time.js';
import { notFound, sendPage, viewerFor, type WebRoutes } from './context.js';
import { layout } from './layout.js';
import { overviewBody } from './overview.view.js';
import { readPeriodQuery } from './query.js';

/** The Overview: figures and charts of the viewer's scope; app.js refreshes it every 30 s. */
export function registerOverviewRoutes({ app, deps }: WebRoutes) {
  app.get('/web/overview', async (request, reply) => {
    const viewer = viewerFor(request, reply, ['supervisor', 'observer']);
    if (!viewer?.supervision) return;
    const query = await readPeriodQuery(deps, request, viewer.supervision);
    if (query === 'out_of_scope') return notFound(request, reply);
    const data = await overview(deps.db, viewer.supervision, {
      period: query.period,
      ...(query.districtId === undefined ? {} : { districtId: query.districtId }),
      timeZone: deps.config.timeZone,
    });
    const { t } = request;
    const scope = viewer.supervision.scope;
    // Psychologists' consultations (issue 17): the figures /stats shows, counts only.
    const consultations = await consultationFigures(deps.db, {
      districtIds:
        query.districtId !== undefined ? [query.districtId] : scope.regional ? 'all' : [...scope.districtIds],
      since: query.period.from,
      until: query.period.to,
    });
    const body = overviewBody(t, {
      data,
      query,
      withCurators: viewer.role === 'supervisor',
      withFamilies: !scope.categories || scope.categories.length === 0,
      updatedAt: formatRegionTime(data.now, deps.config.timeZone),
      consultations: consultationStatsText(t, consultations, {
        withPsychologists: viewer.role === 'supervisor',
      }),
    });
    return sendPage(
      reply,
      layout(t, {
        title: t('web-nav-overview'),
        current: 'overview',
        language: request.language,
        viewer: { fullName: viewer.fullName, role: viewer.role },
        csrf: reply.generateCsrf(),
        body,
        scripts: ['/web/assets/echarts.min.js', '/web/assets/app.js'],
      }),
    );
  });
}
