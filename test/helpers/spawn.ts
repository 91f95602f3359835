import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNodeFlags } from './start-command.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const exitWithParent = fileURLToPath(new URL('./exit-with-parent.mjs', import.meta.url));

/** Process groups this test process started and has not yet seen end. */
const groups = new Set<number>();

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

/**
 * Ends every process group spawnEntry started that is still there (SIGKILL): called after each test file
 * (worker-setup.ts) and when this process exits, so a test that failed before its own stop() leaves
 * nothing behind. Children also end themselves when this process dies (exit-with-parent.mjs).
 */
export function killSpawnedGroups() {
  for (const pid of groups) signalGroup(pid, 'SIGKILL');
  groups.clear();
}
process.once('exit', killSpawnedGroups);

export interface SpawnedProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Log lines (pino JSON) printed so far. */
  logs(): Array<Record<string, unknown>>;
  /** Sends a signal to the process and everything it started (its process group), without waiting. */
  signal(signal: NodeJS.Signals): void;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Signals the process group (SIGTERM by default) and waits for the process to exit; then kills whatever
   * of its group is left.
   */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs an entry point of the project as its own process (the pid is the process that runs the code, no
 * launcher in between), in a process group of its own so that stopping it ends everything it started.
 * A TypeScript entry (`src/main.ts`) runs with `node --import tsx`, as `npm run dev` does; a compiled one
 * (`dist/main.js`) with plain node and the node flags of `npm start`, as `npm start` does.
 */
export function spawnEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
  options: {
    /**
     * Leave what the process started alone when it exits (a test that checks it ended its children
     * itself); the group is still killed after the test file (killSpawnedGroups).
     */
    keepGroupAfterExit?: boolean;
  } = {},
): SpawnedProcess {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const startFlags = entry === 'dist/main.js' ? startNodeFlags(repoRoot) : [];
  const child = spawn(
    process.execPath,
    [...startFlags, ...loader, '--import', exitWithParent, entry, ...args],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...env,
        PATRONAZH_EXIT_WITH_PARENT: '1',
      },
      // stdin is a pipe this process holds open: it closes when this process dies (exit-with-parent.mjs).
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const pid = child.pid;
  if (pid !== undefined) groups.add(pid);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      // Anything the process started and left behind goes with it.
      if (pid !== undefined && !options.keepGroupAfterExit) {
        signalGroup(pid, 'SIGKILL');
        groups.delete(pid);
      }
      for (const waiter of waiters) waiter();
      resolve({ code, signal });
    });
  });

  const sendSignal = (signal: NodeJS.Signals) => {
    if (pid !== undefined && child.exitCode === null && child.signalCode === null) signalGroup(pid, signal);
  };

  const logs = () =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    waitForLog(predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = logs().find(predicate);
          if (found) {
            cleanup();
            resolve(found);
          } else if (child.exitCode !== null) {
            cleanup();
            reject(new Error(`process exited (${child.exitCode}) before the log line\n${out}\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for a log line\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    signal: sendSignal,
    async stop(signal = 'SIGTERM') {
      sendSignal(signal);
      return exited;
    },
  };
}

/** Runs a one-shot command (admin CLI, migrations) and collects its output. */
export async function runEntry(entry: string, args: string[], env: Record<string, string>) {
  const process = spawnEntry(entry, args, env);
  const { code } = await process.exited;
  return { code, stdout: process.stdout(), stderr: process.stderr() };
}
