import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { sql as rawSql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createDb } from './db/client.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logger.js';

/** The roles `--role=all` runs, each as its own process. */
const supervisedRoles = ['relay', 'worker', 'bot'] as const;
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

/**
 * `--role=all` as a supervisor: the relay, the worker and the bot each run as a child process (the same
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

  let stopping = false;
  const processes = new Map<SupervisedRole, RoleProcess>(
    supervisedRoles.map((role) => [role, { role, restarts: 0, delayMs: FIRST_RESTART_DELAY_MS }]),
  );
  let firstStarts: Promise<void>[] = [];
  // However this process ends (a shutdown that took too long, a crash), it takes its roles with it.
  const killRoles = () => {
    for (const { child } of processes.values()) child?.kill('SIGKILL');
  };
  process.once('exit', killRoles);
  options.signal?.addEventListener(
    'abort',
    () => {
      stopping = true;
      for (const entry of processes.values()) {
        clearTimeout(entry.timer);
        entry.child?.kill('SIGTERM');
      }
    },
    { once: true },
  );

  function start(entry: RoleProcess): Promise<void> {
    return new Promise((resolve) => {
      if (stopping) return resolve();
      const child = spawn(process.execPath, [...options.execArgv, options.entry, `--role=${entry.role}`], {
        env: { ...process.env, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', PATRONAZH_SUPERVISED: '1' },
        // stdin: a pipe the supervisor holds, closed when it dies (as is the IPC channel).
        stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
      });
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
        if (stopping) return;
        if (entry.startedAt && Date.now() - entry.startedAt > STABLE_AFTER_MS)
          entry.delayMs = FIRST_RESTART_DELAY_MS;
        entry.restarts += 1;
        logger.error(
          { role: entry.role, code, signal, restarts: entry.restarts, restartInMs: entry.delayMs },
          'role exited unexpectedly, restarting it',
        );
        entry.timer = setTimeout(() => void start(entry), entry.delayMs);
        entry.delayMs = Math.min(entry.delayMs * 2, MAX_RESTART_DELAY_MS);
      });
    });
  }

  /** Passes a request on to a role's own HTTP server (the webhook to the bot); 503 while it is restarting. */
  function passTo(role: SupervisedRole) {
    return async (req: IncomingMessage, res: ServerResponse) => {
      const port = processes.get(role)?.httpPort;
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

  async function metrics(_req: IncomingMessage, res: ServerResponse) {
    const texts = await Promise.all(
      [...processes.values()].map(async ({ httpPort }) => {
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

  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>([
    ['/metrics', metrics],
  ]);
  if (config.webhook) routes.set(new URL(config.webhook.url).pathname, passTo('bot'));
  const http = createHttpServer({
    logger,
    routes,
    healthChecks: [
      { name: 'postgres', check: async () => void (await db.execute(rawSql`select 1`)) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      ...supervisedRoles.map((role) => ({
        name: role,
        check: async () => {
          if (processes.get(role)?.httpPort === undefined) throw new Error('restarting');
        },
      })),
    ],
  });
  const httpPort = await http.listen(config.http.port, config.http.host);

  firstStarts = [...processes.values()].map((entry) => start(entry));
  await Promise.all(firstStarts);
  if (!stopping)
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
      stopping = true;
      logger.info('shutting down');
      await http.close();
      const exits = [...processes.values()].map((entry) => {
        clearTimeout(entry.timer);
        const child = entry.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        return exited;
      });
      await Promise.all(exits);
      redis.disconnect();
      await sql.end({ timeout: 2 });
      logger.info('stopped');
    },
    /** Ends every role at once (the supervisor itself is being killed). */
    killAll: killRoles,
  };
}
