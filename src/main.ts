import { parseArgs } from 'node:util';
import { type Role, roles, startApp } from './app.js';
import { loadConfigOrExit, loadDotEnv } from './config.js';
import { createLogger } from './logger.js';

const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } }, strict: false });
const role = String(values.role);
if (!(roles as readonly string[]).includes(role)) {
  process.stderr.write(`--role must be one of ${roles.join(', ')} (got "${role}")\n`);
  process.exit(1);
}

loadDotEnv();
const config = loadConfigOrExit(process.env);
const logger = createLogger({ level: config.logLevel, botToken: config.botToken });

// Some client libraries report a failed background reconnect as an unhandled rejection. Crashing would
// take the health endpoint and every in-flight job down with it; log it, /healthz shows the outage.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

let app: Awaited<ReturnType<typeof startApp>>;
try {
  app = await startApp(config, { role: role as Role, logger });
} catch (error) {
  logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}

function shutdown(signal: string) {
  logger.info({ signal }, 'signal received');
  const timer = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long, exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  app.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
