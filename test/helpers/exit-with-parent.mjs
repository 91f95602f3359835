/**
 * Loaded with `--import` into every process a test spawns (spawn.ts). A test that fails, times out or is
 * interrupted (Ctrl-C, a killed vitest worker) may never reach its `stop()`; the child then notices its
 * parent is gone — its stdin pipe closes, or its parent pid changes — and ends itself through its own
 * SIGTERM handler (the service's ordered shutdown), with a hard exit after 30 s should that hang.
 * Plain JavaScript, so that it loads as well into a compiled entry run by plain node (dist/main.js) as into
 * a TypeScript one run with tsx.
 */
// Only in the process spawnEntry started: a process it starts in turn (the --role=all supervisor's roles
// inherit these --import flags) has its own parent to watch, and often no stdin pipe at all.
const watched = process.env.PATRONAZH_EXIT_WITH_PARENT === '1';
delete process.env.PATRONAZH_EXIT_WITH_PARENT;
const parent = process.ppid;
let leaving = false;

function parentGone() {
  if (leaving) return;
  leaving = true;
  setTimeout(() => process.exit(1), 30_000).unref();
  process.kill(process.pid, 'SIGTERM');
}

if (watched) {
  // The test never writes to this pipe: its end is the parent's end. Unref'd, so a one-shot entry (the
  // admin CLI) still exits when its work is done.
  process.stdin.on('end', parentGone);
  process.stdin.on('error', parentGone);
  process.stdin.resume();
  process.stdin.unref?.();
  setInterval(() => {
    if (process.ppid !== parent) parentGone();
  }, 500).unref();
}
