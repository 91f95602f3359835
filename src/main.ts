import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Role, roles, startApp } from './app.js';
import { loadConfigOrExit, loadDotEnv } from './config.js';
import { createLogger } from './logger.js';
import type { RoleStartedMessage } from './supervisor.js';

const { values } = parseArgs({
  options: { role: { type: 'string', default: 'all' }, 'one-process': { type: 'boolean', default: false } },
  strict: false,
});
const role = String(values.role);
if (!(roles as readonly string[]).includes(role)) {
  process.stderr.write(`--role must be one of ${roles.join(', ')} (got "${role}")\n`);
  process.exit(1);
}
/** `--role=all --one-process`: every role in this process, without the supervisor (a small installation). */
const oneProcess = values['one-process'] === true;
if (oneProcess && role !== 'all') {
  process.stderr.write(`--one-process goes with --role=all (got --role=${role})\n`);
  process.exit(1);
}

loadDotEnv();
const config = loadConfigOrExit(process.env);
const logger = createLogger({ level: config.logLevel, botToken: config.botToken });
/** Run by `--role=all`'s supervisor: it restarts this process if it ends, and reads its port over IPC. */
const supervised = process.env.PATRONAZH_SUPERVISED === '1' && typeof process.send === 'function';

// A crash is one JSON line (the logger's serializer keeps personal data out), then the process leaves:
// its state is unknown. Under `--role=all` the supervisor starts the role again; with `--one-process` the
// orchestrator restarts the whole service.
process.on('uncaughtException', (error, origin) => {
  logger.fatal({ err: error, origin, role }, 'uncaught exception, exiting');
  logger.flush?.();
  process.exit(1);
});
// Some client libraries report a failed background reconnect as an unhandled rejection. Crashing would
// take the health endpoint and every in-flight job down with it; log it, /healthz shows the outage.
process.on('unhandledRejection', (reason) => logger.error({ err: reason, role }, 'unhandled rejection'));

/** Set once the role (or the supervisor with its roles) has started; a signal before that waits for it. */
let stop: (() => Promise<void>) | undefined;
let shuttingDown = false;
/** Aborted by a signal during start-up: the supervisor then ends the roles it has started so far. */
const startUp = new AbortController();

function stopNow() {
  stop!().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}

// Installed before start-up, so that a signal during it (migrations, connecting, setWebhook) is handled too
// (a process with no handler is killed outright, or as PID 1 in a container not at all). Whenever it comes,
// the process ends within SHUTDOWN_TIMEOUT_MS: the timer ends it if the ordered shutdown, or a start-up
// that hangs on an unreachable dependency, takes longer.
function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal, starting: stop === undefined }, 'signal received');
  const timer = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long, exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  timer.unref();
  startUp.abort();
  // During start-up: stopped as soon as start-up is over (below).
  if (stop) stopNow();
}
// `on`, not `once`: under `--role=all` a role gets the group's (or the terminal's) signal and then the
// supervisor's SIGTERM; with no listener left, the default action of that second one would kill it
// mid-shutdown. shutdown() ignores every signal after the first.
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
// The supervisor is gone (killed): a role must not run on unsupervised, whether started yet or not.
if (supervised) {
  process.once('disconnect', () => shutdown('supervisor gone'));
  if (!process.connected) shutdown('supervisor gone');
}

try {
  if (role === 'all' && !supervised && !oneProcess) {
    const { runSupervisor } = await import('./supervisor.js');
    const supervisor = await runSupervisor({
      config,
      logger,
      entry: fileURLToPath(import.meta.url),
      execArgv: process.execArgv,
      signal: startUp.signal,
    });
    stop = supervisor.stop;
  } else {
    const app = await startApp(config, { role: role as Role, logger, supervised, oneProcess });
    stop = app.stop;
    if (supervised && !shuttingDown) {
      process.send?.({ type: 'started', httpPort: app.httpPort } satisfies RoleStartedMessage);
    }
  }
} catch (error) {
  logger.fatal({ err: error, role }, 'start-up failed');
  process.exit(1);
}
if (shuttingDown) stopNow();
