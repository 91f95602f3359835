import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { operationsFigures } from '../features/monitoring/index.js';
import { formatRegionTime } from '../time.js';
import { sendPage, viewerFor, type WebRoutes } from './context.js';
import { layout } from './layout.js';
import { BOARD_PATH, operationsBody } from './operations.view.js';

/**
 * Operations (admins): outbox lag and notifications pending or failed with their last error, from
 * PostgreSQL; queue health through Bull Board, mounted in its own plugin behind the admin session (anyone
 * else gets the 404 of any unknown page). Ids, kinds and errors only: no personal data on this page.
 */
export async function registerOperationsRoutes({ app, deps }: WebRoutes) {
  app.get('/web/operations', async (request, reply) => {
    const viewer = viewerFor(request, reply, ['admin']);
    if (!viewer) return;
    const { t } = request;
    const figures = await operationsFigures(deps.db);
    const body = operationsBody(t, figures, (date: Date) =>
      formatRegionTime(date, deps.config.timeZone, request.language),
    );
    return sendPage(
      reply,
      layout(t, {
        title: t('web-nav-operations'),
        current: 'operations',
        language: request.language,
        viewer: { fullName: viewer.fullName, role: viewer.role },
        csrf: reply.generateCsrf(),
        body,
      }),
    );
  });

  const board = new FastifyAdapter();
  board.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: deps.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })),
    serverAdapter: board,
  });
  await app.register(async (scoped) => {
    scoped.addHook('onRequest', async (request, reply) => {
      if (!viewerFor(request, reply, ['admin'])) return reply;
    });
    await scoped.register(board.registerPlugin(), { prefix: BOARD_PATH });
  });
}
