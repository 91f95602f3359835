/**
 * Where a benchmark child's CPU went, from the profile `BENCH_CPU_PROF_DIR` wrote (`node --cpu-prof`):
 * self time per function and per module, node's own work (socket writes, HTTP) charged to the module that
 * called it, and time per stage of an update by the innermost frame of a known stage on each sample's stack
 * (synchronous stacks only: what runs after an `await` starts a new stack, so the "other" row is large).
 * Frames in the bundle (dist/main*.js, scripts/bundle.mjs) are read through its source maps, as the file of
 * src/ or of the package they come from; profile the build the maps belong to (a rebuild renames chunks).
 * `--from <s>` leaves out the profile's first seconds (the process's start-up).
 * Given a `.heapprofile` of allocation-sampling.mjs instead: bytes allocated per module, per function and
 * per nearest frame outside node (whose code asked for node's or V8's allocations).
 *
 *   npx tsx test/bench/cpuprofile-summary.ts /tmp/prof/CPU.….cpuprofile [rows] [--from <s>]
 *   npx tsx test/bench/cpuprofile-summary.ts /tmp/alloc-<pid>.heapprofile [rows]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children?: HeapNode[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** The source map next to a bundle file of dist/, if there is one. */
function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    const path = url.startsWith('file:') && url.includes('/dist/') ? `${fileURLToPath(url)}.map` : undefined;
    sourceMaps.set(
      url,
      path && existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined,
    );
  }
  return sourceMaps.get(url);
}

/**
 * A bundle frame as the source it was built from: src/…ts, or the package's file. drizzle-orm's own maps
 * name its sources `../src/…` from its package root, which the bundle's map resolves to node_modules/src/.
 */
function unbundled(frame: CallFrame): CallFrame {
  const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
  if (!entry || !('originalSource' in entry) || !entry.originalSource) return frame;
  return {
    functionName: frame.functionName || (entry as { name?: string }).name || '',
    url: entry.originalSource.replace('/node_modules/src/', '/node_modules/drizzle-orm/src/'),
    lineNumber: entry.originalLine,
    columnNumber: entry.originalColumn,
  };
}

/** Stages of an update, recognised by the file a frame runs in; the innermost match on a stack wins. */
const stages: [string, RegExp][] = [
  ['webhook HTTP in (node:http, ours)', /_http_server|_http_incoming|(dist|src)\/http\//],
  // The routing: grammY's chain, its filters and context getters, and ours (bot/composer.ts).
  [
    'middleware chain (grammY, bot/composer.ts)',
    /grammy\/out\/(composer|bot|context|filter)|(dist|src)\/bot\/composer/,
  ],
  [
    'intake: flood guard, claim and turn, release (ours)',
    /bot\/intake|deduplicate-updates|serialize-chat|in-flight|redis-script/,
  ],
  ['conversations plugin (replay)', /@grammyjs\/conversations/],
  ['dialogue and feature code (ours)', /(dist|src)\/(bot\/dialogue|features)\//],
  ['Fluent texts', /@fluent|(dist|src)\/i18n/],
  ['drizzle (query building, mapping)', /drizzle-orm/],
  ['PostgreSQL (postgres.js)', /node_modules\/postgres\/|(dist|src)\/db\//],
  ['Redis (ioredis)', /ioredis|redis-parser|standard-as-callback/],
  [
    'Bot API calls (grammY client, node-fetch, ours)',
    /grammy\/out\/core|node-fetch|(dist|src)\/telegram\/|auto-retry/,
  ],
  ['zod', /node_modules\/zod/],
  ['pino', /pino|sonic-boom/],
];
const special = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function moduleOf(url: string): string {
  if (!url) return '(native)';
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const dependency = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1]!;
  return /\/(dist|src|test)\/(.*)$/.exec(url)?.slice(1, 3).join('/') ?? url;
}

function summarise(profile: Profile, rows: number, fromUs: number) {
  for (const node of profile.nodes) node.callFrame = unbundled(node.callFrame);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // A sample's time is the delta to the next sample; the samples before `fromUs` are left out.
  const self = new Map<number, number>();
  let clock = 0;
  profile.samples.forEach((id, i) => {
    clock += profile.timeDeltas[i] ?? 0;
    if (clock >= fromUs) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });

  const frame = (id: number) => byId.get(id)!.callFrame;
  const add = (into: Map<string, number>, key: string, us: number) =>
    into.set(key, (into.get(key) ?? 0) + us);
  const perFunction = new Map<string, number>();
  const perModule = new Map<string, number>();
  const nodeWorkByCaller = new Map<string, number>();
  const perStage = new Map<string, number>();
  const stageCache = new Map<number, string>();
  const stageOf = (id: number): string => {
    const known = stageCache.get(id);
    if (known !== undefined) return known;
    const parent = parentOf.get(id);
    let stage = parent === undefined ? 'other (after an await, timers, socket reads)' : stageOf(parent);
    for (const [name, pattern] of stages) if (pattern.test(frame(id).url)) stage = name;
    stageCache.set(id, stage);
    return stage;
  };
  let idle = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = frame(id);
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    add(perFunction, `${functionName || '(anonymous)'} ${moduleOf(url)}:${lineNumber + 1}`, us);
    add(perModule, url ? moduleOf(url) : functionName, us);
    add(perStage, special.has(functionName) ? functionName : stageOf(id), us);
    if (special.has(functionName) || (url && !url.startsWith('node:'))) continue;
    let caller: number | undefined = id;
    while (caller !== undefined && (!frame(caller).url || frame(caller).url.startsWith('node:'))) {
      caller = parentOf.get(caller);
    }
    add(nodeWorkByCaller, caller === undefined ? '(none)' : moduleOf(frame(caller).url), us);
  }

  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const share = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const table = (title: string, values: Map<string, number>, count: number) =>
    printTable(title, values, count, (us) => `${ms(us)} ${share(us)}`);
  console.log(`busy ${ms(busy).trim()}, idle ${ms(idle).trim()} (shares below are of busy time)`);
  table('Self time per function', perFunction, rows);
  table('Self time per module', perModule, rows);
  table("Node's own and native work, by the module that called it", nodeWorkByCaller, 15);
  table('Per stage (innermost known frame of the synchronous stack)', perStage, stages.length + 4);
}

function printTable(
  title: string,
  values: Map<string, number>,
  count: number,
  show: (value: number) => string,
) {
  console.log(`\n${title}`);
  for (const [key, value] of [...values].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`${show(value)}  ${key}`);
  }
}

function summariseAllocations(head: HeapNode, rows: number) {
  const perModule = new Map<string, number>();
  const perFunction = new Map<string, number>();
  const perCaller = new Map<string, number>();
  const add = (into: Map<string, number>, key: string, bytes: number) =>
    into.set(key, (into.get(key) ?? 0) + bytes);
  const name = ({ functionName, url, lineNumber }: CallFrame) =>
    `${functionName || '(anonymous)'} ${moduleOf(url)}:${lineNumber + 1}`;
  let total = 0;
  const walk = (node: HeapNode, caller: CallFrame | undefined) => {
    const { url } = node.callFrame;
    const own = url && !url.startsWith('node:') ? node.callFrame : caller;
    total += node.selfSize;
    add(perModule, moduleOf(url), node.selfSize);
    add(perFunction, name(node.callFrame), node.selfSize);
    add(perCaller, own ? name(own) : '(none)', node.selfSize);
    for (const child of node.children ?? []) walk(child, own);
  };
  walk(head, undefined);
  const show = (bytes: number) =>
    `${(bytes / 1048576).toFixed(1).padStart(7)} MiB ${((100 * bytes) / total).toFixed(1).padStart(5)} %`;
  console.log(`sampled allocations ${(total / 1048576).toFixed(0)} MiB`);
  printTable('Allocated per module', perModule, rows, show);
  printTable('Allocated per function', perFunction, rows, show);
  printTable('Allocated per nearest frame outside node', perCaller, rows, show);
}

const args = process.argv.slice(2);
const from = args.indexOf('--from');
const fromSeconds = from >= 0 ? Number(args.splice(from, 2)[1]) : 0;
const [file, rows] = args;
if (!file || !Number.isFinite(fromSeconds)) {
  console.error('usage: npx tsx test/bench/cpuprofile-summary.ts <file.cpuprofile> [rows] [--from <s>]');
  process.exit(1);
}
const parsed = JSON.parse(readFileSync(file, 'utf8')) as Profile | { head: HeapNode };
if ('head' in parsed) summariseAllocations(parsed.head, Number(rows ?? 30));
else summarise(parsed, Number(rows ?? 30), fromSeconds * 1e6);
