/**
 * `npm run sandbox`: the whole service against the built-in Bot API emulator, no Telegram needed.
 * It uses its own database (`patronazh_sandbox`) and Redis key prefix so it never touches real data.
 */
import { parseArgs } from 'node:util';
import { startApp } from '../app.js';
import { createConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createEmulator } from './emulator.js';
import { checkServices } from './preflight.js';

const SANDBOX_TOKEN = '1000000001:sandbox-token-not-a-secret';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8081' }, 'log-level': { type: 'string', default: 'warn' } },
});
const databaseUrl =
  process.env.SANDBOX_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/patronazh_sandbox';
const redisUrl = process.env.SANDBOX_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

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
  // Update ids keep growing across sandbox restarts, as Telegram's do, so none is mistaken for a duplicate.
  firstUpdateId: Math.floor(Date.now() / 1000),
});
await emulator.start();
const config = createConfig({
  BOT_TOKEN: SANDBOX_TOKEN,
  TELEGRAM_API_ROOT: emulator.url,
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: process.env.SANDBOX_REDIS_PREFIX ?? 'sandbox',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  LOG_LEVEL: String(values['log-level']),
});
const logger = createLogger({ level: config.logLevel, botToken: config.botToken });
const app = await startApp(config, { role: 'all', logger });

const u = emulator.url;
process.stdout.write(`Патронаж sandbox is running.
  Bot API emulator: ${u}   (service health: http://127.0.0.1:${app.httpPort}/healthz)

Talk to the bot as a new person:
  curl -s ${u}/control/users -d '{"first_name":"Мария"}'                      # note the id (100000001…)
  curl -s ${u}/control/updates/text -d '{"user_id":100000001,"text":"/start"}'
  curl -s ${u}/control/chats/100000001/messages?from=bot
  curl -s ${u}/control/updates/callback_by_text -d '{"user_id":100000001,"text":"<button text>"}'
Make yourself a curator: npm run admin -- invite --role curator --district gryazi
  (with DATABASE_URL=${databaseUrl} BOT_TOKEN=${SANDBOX_TOKEN} TELEGRAM_API_ROOT=${u}),
  then send "/start <payload>" from another emulated user.
Stop with Ctrl+C.
`);

const shutdown = async () => {
  await app.stop();
  await emulator.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
