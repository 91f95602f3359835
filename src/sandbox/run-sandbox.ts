/**
 * `npm run sandbox`: the whole service against the built-in Bot API emulator, no Telegram needed, with a web
 * page of side-by-side chats. It uses its own database (`patronazh_sandbox`) and Redis key prefix so it never
 * touches real data, and starts from fresh demo data every time.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startApp } from '../app.js';
import { ConfigError, createConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { createDeliveryLanes } from '../features/delivery/index.js';
import { createLogger } from '../logger.js';
import { createAppNotifications } from '../roles/pipeline.js';
import { telegramRateLimits } from './emulator/types.js';
import { createEmulator } from './emulator.js';
import { checkServices } from './preflight.js';
import { clearSandboxData, sandboxPeople, seedSandbox } from './seed.js';
import { formatWindow, sandboxDeadlinesNote } from './web/deadlines-note.js';
import { createSandboxWebServer } from './web/web-server.js';

const SANDBOX_TOKEN = '1000000001:sandbox-token-not-a-secret';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    'web-port': { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    'monitoring-port': { type: 'string' },
  },
});
const databaseUrl =
  process.env.SANDBOX_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/patronazh_sandbox';
const redisUrl = process.env.SANDBOX_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const redisPrefix = process.env.SANDBOX_REDIS_PREFIX ?? 'sandbox';
// Minutes instead of hours, so a reminder and the supervisors' alerts can be watched; tests pass seconds.
const policiesFile =
  process.env.SANDBOX_POLICIES_FILE ?? fileURLToPath(new URL('./policies.sandbox.json', import.meta.url));

const problems = await checkServices(databaseUrl, redisUrl);
if (problems.length > 0) {
  for (const problem of problems) {
    process.stderr.write(
      `${problem.service} is not reachable at ${problem.url} (${problem.error}).\n  Start it: ${problem.howToStart}\n`,
    );
  }
  process.exit(1);
}

const emulator = createEmulator({
  token: SANDBOX_TOKEN,
  port: Number(values.port),
  botUsername: 'patronazh_sandbox_bot',
  // Telegram's flood limits, as Telegram enforces them: what people see in the page (replies at about one a
  // second per chat after a short burst) is what they would see in Telegram.
  limits: telegramRateLimits,
  // Update ids keep growing across sandbox restarts, as Telegram's do, so none is mistaken for a duplicate.
  firstUpdateId: Math.floor(Date.now() / 1000),
});
await emulator.start().catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  process.stderr.write(
    `Port ${values.port} is taken (another sandbox or emulator running?). Choose another: npm run sandbox -- --port 8091\n`,
  );
  process.exit(1);
});
/** A port free now, for the monitoring site: its links must name it before the app starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const monitoringPort = values['monitoring-port'] ? Number(values['monitoring-port']) : await freePort();
const config = (() => {
  try {
    return createConfig({
      BOT_TOKEN: SANDBOX_TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: String(values['log-level']),
      DEADLINE_POLICIES_FILE: policiesFile,
      // The monitoring site (role web): its /web links lead to this address.
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(monitoringPort),
      WEB_PUBLIC_URL: `http://127.0.0.1:${monitoringPort}`,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Most likely the policy file (SANDBOX_POLICIES_FILE): the message names the key that is wrong.
    process.stderr.write(`${error.message}\n  (deadline policy file: ${policiesFile})\n`);
    process.exit(1);
  }
})();
const logger = createLogger({ level: config.logLevel, botToken: config.botToken });
const app = await startApp(config, { role: 'all', logger });

// The sandbox's own connections for seeding and resetting (the app's are its own business).
const { db, sql } = createDb(databaseUrl, { max: 2 });
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
redis.on('error', (error) => logger.warn({ err: error }, 'sandbox redis connection error'));
const lanes = createDeliveryLanes({
  redis,
  prefix: redisPrefix,
  db,
  sendClassOf: createAppNotifications().sendClassOf,
});

const startOver = async () => {
  // The emulator first: whatever the bot still sends to the old chats is refused, not shown.
  emulator.reset();
  await clearSandboxData({ db, redis, redisPrefix });
  await seedSandbox({
    db,
    emulator,
    onWarning: (message) => logger.warn(message),
    queueNotifications: (ids) => lanes.add(ids),
  });
};
await startOver();

/** The pane title of the seeded supervisor of districts (or the regional one), for the page's note. */
function chatTitle(role: 'supervisor', ofDistricts: boolean): string {
  const person = sandboxPeople.find(
    (p) => p.role === role && (p.districtCodes ?? []).length > 0 === ofDistricts,
  );
  return person?.title ?? 'Руководитель';
}

const web = createSandboxWebServer({
  emulator,
  people: sandboxPeople.map((person) => ({
    userId: person.telegramId,
    title: person.title,
    subtitle: person.subtitle,
    shownByDefault: person.shownByDefault,
    monitoring: person.role === 'supervisor' || person.role === 'observer',
  })),
  reset: startOver,
  notes: {
    deadlines: sandboxDeadlinesNote(config.deadlinePolicies, {
      district: chatTitle('supervisor', true),
      regional: chatTitle('supervisor', false),
    }),
    timeZone: config.timeZone,
  },
  // 8080 unless told otherwise; when 8080 is taken the page goes elsewhere (the address is printed below).
  port: values['web-port'] === undefined ? 8080 : Number(values['web-port']),
  fallbackToFreePort: values['web-port'] === undefined,
  onError: (error) => logger.error({ err: error }, 'sandbox page error'),
});
await web.start();

const u = emulator.url;
const psychologistTake = config.deadlinePolicies.psychologist.takeWithinMinutes;
process.stdout.write(`Патронаж sandbox is running.

  Open the page: ${web.url}
    the chats of a new family member, two curators and a supervisor side by side (the regional
    supervisor, an observer and a family with a resolved request one click away); write and click for
    each of them.

  Deadlines are short here (${policiesFile}):
    a psychologist request nobody takes reminds its curator after ${formatWindow(psychologistTake / 2, 'en')}, alerts the supervisor after ${formatWindow(psychologistTake, 'en')}
    and the regional supervisor after ${formatWindow(psychologistTake * 2, 'en')}.

  Monitoring site: http://127.0.0.1:${app.webPort}/web
    «Панель мониторинга» on the supervisors' and the observer's chats sends the bot /web as them and
    opens the one-time link it answers with.

  Bot API emulator: ${u}   (service health: http://127.0.0.1:${app.httpPort}/healthz)
    with Telegram's limits on, as Telegram enforces them: 30 messages a second in all, one a second
    to a chat after a burst of 5. The same chats through its control API, e.g.:
    curl -s ${u}/control/updates/text -d '{"user_id":${sandboxPeople[0]?.telegramId},"text":"/start"}'
    curl -s ${u}/control/chats/${sandboxPeople[0]?.telegramId}/messages?from=bot

Stop with Ctrl+C.
`);

const shutdown = async () => {
  await web.stop();
  await app.stop();
  await emulator.stop();
  redis.disconnect();
  await sql.end({ timeout: 2 });
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
