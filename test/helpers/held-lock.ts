import type { TransactionSql } from 'postgres';

/**
 * Starts `action` while `tx` (a transaction holding a change not yet committed) is open, and says whether the
 * action ended first or came to wait on that transaction (a backend blocked by it). The caller commits (ends
 * its `begin`) and then awaits `started` for the action's outcome. No timing: it polls PostgreSQL's own view.
 */
export async function startWhileHeld<T>(
  tx: TransactionSql,
  action: () => Promise<T>,
): Promise<{ outcome: 'went ahead' | 'waits'; started: Promise<T> }> {
  let finished = false;
  const started = action().finally(() => {
    finished = true;
  });
  // Kept from being an unhandled rejection while the caller still holds the transaction.
  started.catch(() => undefined);
  for (;;) {
    if (finished) return { outcome: 'went ahead', started };
    const [row] = await tx`select count(*)::int as n from pg_stat_activity
      where pg_backend_pid() = any(pg_blocking_pids(pid))`;
    if (row!.n > 0) return { outcome: 'waits', started };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
