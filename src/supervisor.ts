import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { sql as rawSql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createDb } from './db/client.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logger.js';

/** The roles `--role=all` runs, each as its own process. */
const supervisedRoles = ['relay', 'worker', 'bot', 'web'] as const;
type SupervisedRole = (typeof supervisedRoles)[number];

/** A crashed role is started again after this delay, doubling per quick crash up to the maximum. */
const FIRST_RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 2000;
/** A role that ran this long without crashing starts from the first delay again. */
const STABLE_AFTER_MS = 60_000;

/** What a supervised role tells its supervisor over the IPC channel. */
export interface RoleStartedMessage {
  type: 'started';
  httpPort: number;
}

interface RoleProcess {
  role: SupervisedRole;
  child?: ChildProcess;
  httpPort?: number;
  startedAt?: number;
  restarts: number;
  delayMs: number;
  timer?: NodeJS.Timeout;
}

/** The roles' processes and whether the supervisor is stopping: shared by the starts, the routes and stop. */
interface Supervision {
  processes: Map<SupervisedRole, RoleProcess>;
  stopping: boolean;
  /** The entry to run per role, with the Node flags this process has (the tsx loader). */
  entry: string;
  execArgv: string[];
  logger: Logger;
}

/**
 * `--role=all` as a supervisor: the relay, the worker, the bot and the web site each run as a child process (the same
 * entry with `--role=…`), so that one role's crash neither ends the others nor the service. A role that
 * exits without being asked to is started again within a few hundred milliseconds (at most 2 s when it keeps
 * crashing). The supervisor owns the public HTTP port: `/healthz` (PostgreSQL, Redis and each role),
 * `/metrics` (every role's, together) and the Telegram webhook, which it passes to the bot role.
 */
export async function runSupervisor(options: {
  config: Config;
  logger: Logger;
  /** The entry to run per role, with the Node flags this process has (the tsx loader). */
  entry: string;
  execArgv: string[];
  /**
   * Aborted when the supervisor is told to stop while it is still starting: the roles started so far are
   * asked to end (SIGTERM), none is started or restarted any more, and this function returns once they are
   * gone, so that `stop()` finds nothing left to wait for.
   */
  signal?: AbortSignal;
}) {
  const { config, logger } = options;
  const { db, sql } = createDb(config.databaseUrl, { max: 1 });
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: 'patronazh-supervisor',
  });
  redis.on('error', () => undefined);
  await redis.connect().catch(() => undefined);

  const supervision: Supervision = {
    processes: new Map(
      supervisedRoles.map((role) => [role, { role, restarts: 0, delayMs: FIRST_RESTART_DELAY_MS }]),
    ),
    stopping: false,
    entry: options.entry,
    execArgv: options.execArgv,
    logger,
  };
  // However this process ends (a shutdown that took too long, a crash), it takes its roles with it.
  const killRoles = () => {
    for (const { child } of supervision.processes.values()) child?.kill('SIGKILL');
  };
  process.once('exit', killRoles);
  options.signal?.addEventListener('abort', () => abortStarting(supervision), { once: true });

  const http = createHttpServer({
    logger,
    routes: supervisorRoutes(supervision, config),
    healthChecks: [
      { name: 'postgres', check: async () => void (await db.execute(rawSql`select 1`)) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      ...roleHealthChecks(supervision),
    ],
  });
  const httpPort = await http.listen(config.http.port, config.http.host);

  await Promise.all([...supervision.processes.values()].map((entry) => startRole(supervision, entry)));
  if (!supervision.stopping)
    logger.info(
      {
        role: 'all',
        httpPort,
        mode: config.webhook ? 'webhook' : 'polling',
        supervised: [...supervisedRoles],
      },
      'started',
    );

  return {
    httpPort,
    async stop() {
      supervision.stopping = true;
      logger.info('shutting down');
      await http.close();
      await endRoles(supervision);
      redis.disconnect();
      await sql.end({ timeout: 2 });
      logger.info('stopped');
    },
    /** Ends every role at once (the supervisor itself is being killed). */
    killAll: killRoles,
  };
}

/** Told to stop while starting: the roles started so far are asked to end, none is started any more. */
function abortStarting(supervision: Supervision) {
  supervision.stopping = true;
  for (const entry of supervision.processes.values()) {
    clearTimeout(entry.timer);
    entry.child?.kill('SIGTERM');
  }
}

/** Starts a role's process; settles once it has said it started, or has exited (then it is restarted). */
function startRole(supervision: Supervision, entry: RoleProcess): Promise<void> {
  return new Promise((resolve) => {
    if (supervision.stopping) return resolve();
    const child = spawn(
      process.execPath,
      [...supervision.execArgv, supervision.entry, `--role=${entry.role}`],
      {
        env: { ...process.env, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', PATRONAZH_SUPERVISED: '1' },
        // stdin: a pipe the supervisor holds, closed when it dies (as is the IPC channel).
        stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
      },
    );
    entry.child = child;
    entry.httpPort = undefined;
    child.on('message', (message: RoleStartedMessage) => {
      if (message?.type !== 'started') return;
      entry.httpPort = message.httpPort;
      entry.startedAt = Date.now();
      resolve();
    });
    child.once('exit', (code, signal) => {
      entry.child = undefined;
      entry.httpPort = undefined;
      resolve();
      if (!supervision.stopping) restartLater(supervision, entry, { code, signal });
    });
  });
}

/** A role exited without being asked to: start it again after a delay that doubles while it keeps crashing. */
function restartLater(
  supervision: Supervision,
  entry: RoleProcess,
  exit: { code: number | null; signal: NodeJS.Signals | null },
) {
  if (entry.startedAt && Date.now() - entry.startedAt > STABLE_AFTER_MS)
    entry.delayMs = FIRST_RESTART_DELAY_MS;
  entry.restarts += 1;
  supervision.logger.error(
    { role: entry.role, ...exit, restarts: entry.restarts, restartInMs: entry.delayMs },
    'role exited unexpectedly, restarting it',
  );
  entry.timer = setTimeout(() => void startRole(supervision, entry), entry.delayMs);
  entry.delayMs = Math.min(entry.delayMs * 2, MAX_RESTART_DELAY_MS);
}

/** Asks every running role to end (SIGTERM) and waits until each has exited. */
async function endRoles(supervision: Supervision) {
  const exits = [...supervision.processes.values()].map((entry) => {
    clearTimeout(entry.timer);
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    return exited;
  });
  await Promise.all(exits);
}

/** A role is healthy while its process runs and has said it started (not between a crash and its restart). */
function roleHealthChecks(supervision: Supervision) {
  return supervisedRoles.map((role) => ({
    name: role,
    check: async () => {
      if (supervision.processes.get(role)?.httpPort === undefined) throw new Error('restarting');
    },
  }));
}

type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** `/metrics` of every role together, and the webhook passed on to the bot role. */
function supervisorRoutes(supervision: Supervision, config: Config) {
  const routes = new Map<string, Route>([['/metrics', (_req, res) => allMetrics(supervision, res)]]);
  if (config.webhook) routes.set(new URL(config.webhook.url).pathname, passTo(supervision, 'bot'));
  return routes;
}

/** Passes a request on to a role's own HTTP server (the webhook to the bot); 503 while it is restarting. */
function passTo(supervision: Supervision, role: SupervisedRole): Route {
  return async (req, res) => {
    const port = supervision.processes.get(role)?.httpPort;
    if (port === undefined) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"restarting"}');
      return;
    }
    await new Promise<void>((resolve) => {
      const upstream = request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res).once('finish', resolve).once('error', resolve);
        },
      );
      upstream.once('error', () => {
        // The role went away mid-request: Telegram will deliver the update again.
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"restarting"}');
        resolve();
      });
      req.pipe(upstream);
    });
  };
}

async function allMetrics(supervision: Supervision, res: ServerResponse) {
  const texts = await Promise.all(
    [...supervision.processes.values()].map(async ({ httpPort }) => {
      if (httpPort === undefined) return '';
      try {
        const answer = await fetch(`http://127.0.0.1:${httpPort}/metrics`, {
          signal: AbortSignal.timeout(2000),
        });
        return await answer.text();
      } catch {
        return '';
      }
    }),
  );
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(texts.join('\n'));
}
