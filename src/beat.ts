/**
 * One timer for the process's once-a-second pollers (the deadline timers' wipe check, the parked updates'
 * drain): each poller on a timer of its own woke the idle process once a second, and their Redis commands,
 * issued in different turns of the event loop, went as a socket write each. On one beat they run in the
 * same turn: one wake-up, and one write on the shared auto-pipelining client (container.ts). The timer does
 * not keep the process alive (as the pollers' own did not), and runs only while something listens.
 */
export function createBeat(intervalMs: number) {
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  return {
    /** Calls `listener` on every beat from now on; the function returned stops it. */
    every(listener: () => void): () => void {
      listeners.add(listener);
      if (!timer) {
        timer = setInterval(() => {
          for (const each of [...listeners]) each();
        }, intervalMs);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}

/** The process's one-second beat. */
export const secondBeat = createBeat(1000);

/** `listener` every `intervalMs`: on the process's one-second beat when that is the interval asked for. */
export function every(intervalMs: number, listener: () => void): () => void {
  if (intervalMs === 1000) return secondBeat.every(listener);
  const timer = setInterval(listener, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
