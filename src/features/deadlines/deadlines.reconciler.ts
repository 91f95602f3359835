import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { every } from '../../beat.js';
import type { Db } from '../../db/client.js';
import type { DeadlinePolicies } from '../../deadline-policies.js';
import type { Logger } from '../../logger.js';
import { escalationJobId } from '../../queue/jobs.js';
import { dropDeadJobs } from '../delivery/index.js';
import { nextStep } from './deadlines.ladder.js';
import {
  createDeadlinesRepository,
  type DeadlinesRepository,
  type LadderRequestWithFired,
} from './deadlines.repository.js';
import type { DeadlineScheduler } from './deadlines.scheduler.js';
import { DIGEST_WINDOW_MS } from './deadlines.usecases.js';

const PAGE = 5000;
const BULK = 1000;
const ADDS_IN_FLIGHT = 4;
/** A timer this late has been lost (a worker that only lags is far quicker): it is re-created. */
const LOST_AFTER_MS = 5000;

/**
 * Rebuilds the deadline timers from PostgreSQL. Redis may be wiped at any moment: a marker key, set when
 * the timers were last built, is checked every `checkIntervalMs` (1 s); when it is gone (FLUSHALL, a new
 * Redis) every open request's next step is re-added in pages (addBulk), with the digests still owed. Every
 * `sweepIntervalMs` (30 s) a sweep re-creates timers that are overdue by more than 5 s (lost some other
 * way). Steps already fired are in `escalations` and never come back; steps that came due while Redis was
 * empty fire late, in order — never lost, never twice.
 *
 * Every timer it has to put back is counted in `patronazh_deadline_timer_repairs_total{reason}`: `lost` (a
 * late timer whose job was gone), `dead` (a job left under the timer's id that would never run), `wiped`
 * (timers rebuilt after the marker vanished). Timers fire on time and re-schedule themselves, so in normal
 * operation it stays 0; a rise means Redis lost jobs.
 *
 * Importable on its own (benchmarks): `createDeadlinesReconciler({...}).rebuildAll()`.
 */
export function createDeadlinesReconciler(deps: DeadlinesReconcilerDeps) {
  const markerKey = `${deps.prefix}:deadlines:timers-built`;
  const rebuilding: Rebuilding = {
    deps,
    repository: createDeadlinesRepository({ db: deps.db }),
    repairs: deps.repairs ?? { inc: () => {} },
  };
  let stopChecking: (() => void) | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  const rebuildAll = (now = new Date()) => rebuildAllTimers(rebuilding, now);
  const sweepLost = (now = new Date()) => sweepLostTimers(rebuilding, now);
  const checkWiped = () => rebuildIfWiped(rebuilding, markerKey);
  function guarded(what: string, work: () => Promise<unknown>) {
    running ??= work()
      .catch((error: unknown) => deps.logger.warn({ err: error }, `${what} failed`))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    rebuildAll,
    sweepLost,
    checkWiped,
    async start() {
      await guarded('deadline timers rebuild', async () => {
        if (!(await checkWiped())) await sweepLost();
      });
      // On the process's one-second beat by default (beat.ts), with the parked updates' drain.
      stopChecking = every(
        deps.checkIntervalMs ?? 1000,
        () => void guarded('deadline timers rebuild', checkWiped),
      );
      sweepTimer = setInterval(
        () => void guarded('deadline timers sweep', sweepLost),
        deps.sweepIntervalMs ?? 30_000,
      );
      sweepTimer.unref();
    },
    async stop() {
      stopChecking?.();
      if (sweepTimer) clearInterval(sweepTimer);
      await running;
    },
  };
}

export type DeadlinesReconciler = ReturnType<typeof createDeadlinesReconciler>;

interface DeadlinesReconcilerDeps {
  db: Db;
  queue: Queue;
  /** A client that fails fast while Redis is away (a producer connection, or the container's). */
  redis: Redis;
  prefix: string;
  scheduler: DeadlineScheduler;
  policies: DeadlinePolicies;
  logger: Logger;
  checkIntervalMs?: number;
  sweepIntervalMs?: number;
  /**
   * Runs alongside the rebuild when a wipe is seen, so other jobs rebuilt from PostgreSQL (the delivery
   * reconciler's) come back as fast as the timers rather than at their own next pass.
   */
  onWipe?: () => Promise<unknown>;
  /** Counts the timers put back, by reason (the process's /metrics: src/metrics/deadline-repairs.ts). */
  repairs?: RepairsCounter;
}

/** Where repairs are counted: a prom-client counter in a process that serves /metrics. */
export interface RepairsCounter {
  inc(labels: { reason: 'lost' | 'dead' | 'wiped' }, value: number): void;
}

/** What the rebuild and the sweep work with: the dependencies, the repository and the repairs counter. */
interface Rebuilding {
  deps: DeadlinesReconcilerDeps;
  repository: DeadlinesRepository;
  repairs: RepairsCounter;
}

async function requeueDigests({ deps, repository }: Rebuilding, now: Date) {
  const pending = await repository.pendingDigests();
  await deps.scheduler.scheduleDigests(
    pending.map((row) => ({
      staffId: row.staffId,
      firstAlertId: row.firstAlertId,
      dueAt: new Date(row.firstAt.getTime() + DIGEST_WINDOW_MS),
    })),
    now,
  );
  return pending.length;
}

/**
 * Every open request's next timer and every digest owed; returns how many timers were added. All open
 * requests are read first (pages over the partial index, ~2 s for 100,000), then the timers are added
 * soonest first — a step coming due while the rest are still being added is already back — in addBulk
 * calls of 1,000 with up to four in flight (Redis runs them one after another; the round trips overlap).
 */
async function rebuildAllTimers(rebuilding: Rebuilding, now: Date) {
  const { deps, repository } = rebuilding;
  const owed: LadderRequestWithFired[] = [];
  let afterId = 0;
  for (;;) {
    const page = await repository.openRequestsPage(afterId, PAGE);
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    owed.push(...page);
  }
  const dueAt = new Map(
    owed.map((request) => [request.id, nextStep(request, request.fired, deps.policies)?.dueAt.getTime()]),
  );
  const soonestFirst = owed
    .filter((request) => dueAt.get(request.id) !== undefined)
    .sort((a, b) => dueAt.get(a.id)! - dueAt.get(b.id)!);
  let timers = 0;
  const inFlight = new Set<Promise<void>>();
  for (let start = 0; start < soonestFirst.length; start += BULK) {
    const adding: Promise<void> = deps.scheduler
      .scheduleMany(soonestFirst.slice(start, start + BULK), now)
      .then((added) => {
        timers += added;
      })
      .finally(() => inFlight.delete(adding));
    inFlight.add(adding);
    if (inFlight.size >= ADDS_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const digests = await requeueDigests(rebuilding, now);
  return { timers, digests };
}

/** Timers due more than LOST_AFTER_MS ago whose job is gone or dead: re-created. */
async function sweepLostTimers(rebuilding: Rebuilding, now: Date) {
  const { deps, repository } = rebuilding;
  let afterId = 0;
  let requeued = 0;
  const windows = Object.values(deps.policies);
  const mayBeDue = {
    before: new Date(now.getTime() - LOST_AFTER_MS),
    maxTakeWindowMs: Math.max(...windows.map((policy) => policy.takeWithinMinutes)) * 60_000,
    maxResolveWindowMs: Math.max(...windows.map((policy) => policy.resolveWithinMinutes)) * 60_000,
  };
  for (;;) {
    const page = await repository.openRequestsPage(afterId, PAGE, mayBeDue);
    if (page.length === 0) break;
    afterId = page[page.length - 1]!.id;
    const late = page.filter((request) => {
      const next = nextStep(request, request.fired, deps.policies);
      return next !== undefined && next.dueAt.getTime() < now.getTime() - LOST_AFTER_MS;
    });
    if (late.length > 0) requeued += await repairLate(rebuilding, late, now);
  }
  await requeueDigests(rebuilding, now);
  return requeued;
}

/** Of a page of late timers, puts back those whose job is dead or gone and still owed; returns how many. */
async function repairLate(rebuilding: Rebuilding, late: LadderRequestWithFired[], now: Date) {
  const { deps, repository, repairs } = rebuilding;
  const jobIdOf = (request: LadderRequestWithFired) => {
    const next = nextStep(request, request.fired, deps.policies);
    return next ? escalationJobId({ requestId: request.id, clock: next.clock, level: next.level }) : '';
  };
  const { dead, missing } = await dropDeadJobs(deps.queue, late.map(jobIdOf), deps.logger);
  // A job missing now may have fired and finished since the page was read (a worker lagging more than
  // 5 s): read those requests again and put back only timers still owed.
  const gone = new Set(missing);
  const owed: LadderRequestWithFired[] = [];
  let lost = 0;
  for (const request of late) {
    if (!gone.has(jobIdOf(request))) {
      owed.push(request);
      continue;
    }
    const fresh = await repository.ladderRequest(request.id);
    if (fresh && jobIdOf(fresh) === jobIdOf(request)) {
      owed.push(fresh);
      lost += 1;
    }
  }
  if (dead.length + lost > 0) {
    repairs.inc({ reason: 'dead' }, dead.length);
    repairs.inc({ reason: 'lost' }, lost);
    deps.logger.warn({ dead: dead.length, lost }, 'deadline timers re-created');
  }
  return deps.scheduler.scheduleMany(owed, now);
}

/** Rebuilds everything when the marker is gone; one relay of several wins the marker and does it. */
async function rebuildIfWiped(rebuilding: Rebuilding, markerKey: string) {
  const { deps, repairs } = rebuilding;
  const claimed = await deps.redis.set(markerKey, new Date().toISOString(), 'NX');
  if (claimed !== 'OK') return false;
  try {
    const started = Date.now();
    const [result] = await Promise.all([
      rebuildAllTimers(rebuilding, new Date()),
      deps
        .onWipe?.()
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'rebuild after a wipe failed')),
    ]);
    repairs.inc({ reason: 'wiped' }, result.timers);
    deps.logger.info({ ...result, ms: Date.now() - started }, 'deadline timers rebuilt from PostgreSQL');
    return true;
  } catch (error) {
    await deps.redis.del(markerKey).catch(() => 0);
    throw error;
  }
}
