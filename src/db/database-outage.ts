import { sql } from 'drizzle-orm';
import type { Logger } from '../logger.js';
import type { Db } from './client.js';

/** Driver and socket codes that mean "PostgreSQL cannot be reached right now", not "this query is wrong". */
const unreachableCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // Server-side: admin_shutdown (pg_ctl stop/restart -m fast), crash_shutdown, cannot_connect_now (starting up).
  '57P01',
  '57P02',
  '57P03',
  // too_many_connections: the server (max_connections) or the role (CONNECTION LIMIT) takes no new
  // connection now; one frees up when another client ends, so the work waits like in any outage.
  '53300',
]);

/**
 * Whether an error (or anything it wraps: drizzle's `cause`, grammY's `error`, an AggregateError's `errors`) says PostgreSQL is
 * away. Such a failure is worth handling again later; any other failure would fail the same way again.
 */
export function isDatabaseOutage(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const {
    code,
    cause,
    errors,
    error: inner,
  } = error as {
    code?: unknown;
    cause?: unknown;
    errors?: unknown;
    error?: unknown;
  };
  if (typeof code === 'string' && (unreachableCodes.has(code) || code.startsWith('08'))) return true;
  // grammY's BotError keeps the handler's error in `error`.
  if (isDatabaseOutage(cause, depth + 1) || isDatabaseOutage(inner, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => isDatabaseOutage(inner, depth + 1));
}

/**
 * What this process believes about PostgreSQL. A failed query marks it away; from then on it is probed every
 * `probeIntervalMs` until a `select 1` answers. Handlers look here before starting work they could not finish;
 * work that waited for the database is taken up again at once when it answers (`whenUp`, `onBack`).
 */
export function createDatabaseWatch({
  db,
  logger,
  probeIntervalMs = 1000,
  downMessage = 'PostgreSQL unreachable: updates are kept in Redis until it is back',
}: {
  db: Db;
  logger: Logger;
  probeIntervalMs?: number;
  /** Logged (warn) when this process first finds PostgreSQL away: what it does meanwhile. */
  downMessage?: string;
}) {
  let down = false;
  let probing: NodeJS.Timeout | undefined;
  let stopped = false;
  const waiters = new Set<() => void>();
  const backListeners = new Set<() => void>();

  function wakeWaiters() {
    for (const waiter of waiters) waiter();
    waiters.clear();
  }

  async function probe() {
    probing = undefined;
    if (stopped) return;
    try {
      await db.execute(sql`select 1`);
      down = false;
      logger.info('PostgreSQL is reachable again');
      wakeWaiters();
      for (const listener of backListeners) listener();
    } catch {
      probing = setTimeout(() => void probe(), probeIntervalMs);
      probing.unref();
    }
  }

  return {
    isDown: () => down,
    isStopped: () => stopped,
    markDown() {
      if (down || stopped) return;
      down = true;
      logger.warn(downMessage);
      probing = setTimeout(() => void probe(), probeIntervalMs);
      probing.unref();
    },
    /** Resolves when PostgreSQL is believed reachable (at once if it is), or when the watch stops. */
    whenUp(): Promise<void> {
      if (!down || stopped) return Promise.resolve();
      return new Promise((resolve) => waiters.add(resolve));
    },
    /** Called each time PostgreSQL answers again after this process found it away. */
    onBack(listener: () => void) {
      backListeners.add(listener);
    },
    stop() {
      stopped = true;
      clearTimeout(probing);
      wakeWaiters();
    },
  };
}

export type DatabaseWatch = ReturnType<typeof createDatabaseWatch>;
