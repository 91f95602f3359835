import { Counter, type Registry } from 'prom-client';

/** The deadline reconciler's repairs by reason, on the process's /metrics (0 in normal operation). */
export function createDeadlineRepairsCounter(registry: Registry) {
  const repairs = new Counter({
    name: 'patronazh_deadline_timer_repairs_total',
    help: 'Deadline timers the reconciler had to put back into Redis, by reason (0 in normal operation)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of ['lost', 'dead', 'wiped'] as const) repairs.inc({ reason }, 0);
  return repairs;
}
