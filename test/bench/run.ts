/**
 * `npm run bench [-- --quick] [-- --only intake,curator]`: runs the scenarios one after another against
 * the real PostgreSQL and Redis and the built-in Bot API emulator, prints a markdown table and writes it
 * with the machine's description into BENCHMARKS.md (between the result markers; the rest of the file is
 * kept). With `--only`, only those scenarios' rows and notes are replaced there (each note saying when and
 * at what load it ran); the other scenarios' figures stay. Benchmarks are never tests: they print figures,
 * nothing fails on a missed target.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchRedisUrl, cleanupRun, prepareRun, repoRoot } from './bench-env.js';
import {
  mergeResults,
  type ResultRow,
  resultTable,
  type ScenarioOutcome,
  type ScenarioResult,
} from './report.js';
import { backlogScenario } from './scenario-backlog.js';
import { curatorScenario } from './scenario-curator.js';
import { fanOutScenario } from './scenario-fanout.js';
import { floodScenario } from './scenario-flood.js';
import { intakeScenario } from './scenario-intake.js';
import { memoryScenario } from './scenario-memory.js';
import { recoveryScenario } from './scenario-recovery.js';
import { timersScenario } from './scenario-timers.js';
import { webScenario } from './scenario-web.js';
import { describeMachine } from './stats.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;

/** Sizes: the issue's for a full run; smaller ones for --quick (the whole quick run stays under 3 minutes). */
const scenarios: Record<string, { title: string; run: () => Promise<ScenarioResult> }> = {
  intake: { title: '1 intake', run: () => intakeScenario({ families: quick ? 100 : 200 }) },
  curator: {
    title: '2 time to the curator',
    run: () =>
      curatorScenario({
        runs: [
          // 200 presses at 10/s (50 with --quick), so that its p99 is not the one slowest card.
          { rate: 10, seconds: quick ? 5 : 20, p99TargetMs: 100 },
          { rate: 25, seconds: quick ? 2 : 5, p99TargetMs: 1000 },
          {
            rate: 10,
            seconds: quick ? 2 : 10,
            announcement: quick ? 600 : 3000,
            p99TargetMs: 2000,
            answerP99TargetMs: 1000,
          },
        ],
      }),
  },
  fanout: {
    title: '3 fan-out',
    run: () =>
      fanOutScenario(quick ? { notifications: 300, chats: 100 } : { notifications: 3000, chats: 1000 }),
  },
  timers: {
    title: '4 timers',
    run: () => timersScenario(quick ? { pending: 10_000, firing: 200 } : { pending: 100_000, firing: 1000 }),
  },
  recovery: {
    title: '5 recovery',
    run: () =>
      recoveryScenario(
        quick ? { notifications: 1000, deadlines: 10_000 } : { notifications: 10_000, deadlines: 100_000 },
      ),
  },
  memory: { title: '6 memory', run: () => memoryScenario({ dialogues: quick ? 1000 : 10_000 }) },
  flood: {
    title: '7 flood',
    run: () => floodScenario({ floodSize: 500, families: quick ? 20 : 50 }),
  },
  backlog: {
    title: '8 backlog per chat',
    run: () => backlogScenario({ curators: 10, families: 200, perFamily: quick ? 3 : 10 }),
  },
  // The same with the default `--role=all` (a supervisor and four role processes); only with --only.
  'backlog-supervised': {
    title: '8b backlog per chat, five processes',
    run: () => backlogScenario({ curators: 10, families: 200, perFamily: quick ? 3 : 10, supervised: true }),
  },
  web: {
    title: '9 web',
    run: () =>
      webScenario(
        quick
          ? { requests: 20_000, families: 2000, samples: 10 }
          : { requests: 100_000, families: 10_000, samples: 30 },
      ),
  },
};

/** Run only when named in --only: another way to start the service, for comparison. */
const onlyWhenNamed = new Set(['backlog-supervised']);
const selected = values.only
  ? values.only.split(',').map((name) => name.trim())
  : Object.keys(scenarios).filter((name) => !onlyWhenNamed.has(name));
for (const name of selected) {
  if (!scenarios[name]) {
    process.stderr.write(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}\n`);
    process.exit(2);
  }
}

let cleaningUp: Promise<void> | undefined;
const cleanup = () => {
  cleaningUp ??= cleanupRun();
  return cleaningUp;
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(
      `\n${signal}: ending child processes, dropping the bench databases and Redis keys…\n`,
    );
    void cleanup().finally(() => process.exit(130));
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const pgAdminUrl = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const outcomes: ScenarioOutcome[] = [];
const startedAt = Date.now();
let failed = false;
try {
  const machine = await describeMachine(pgAdminUrl, benchRedisUrl);
  await prepareRun();
  for (const name of selected) {
    const scenario = scenarios[name]!;
    log(`▶ ${scenario.title}…`);
    const began = Date.now();
    const loadBefore = loadavg().map((value) => value.toFixed(1));
    // A scenario rerun on its own keeps the others' figures in BENCHMARKS.md: its note says when it ran.
    const when = () =>
      values.only
        ? `; run with \`--only ${values.only}${quick ? ' --quick' : ''}\` at ${new Date().toISOString().slice(0, 16)}Z, load average ` +
          `(1/5/15 min) at its start ${loadBefore.join(' / ')}, at its end ` +
          `${loadavg()
            .map((value) => value.toFixed(1))
            .join(' / ')}`
        : '';
    try {
      const result = await scenario.run();
      outcomes.push({
        title: scenario.title,
        rows: result.rows,
        note: `**${scenario.title}** (${((Date.now() - began) / 1000).toFixed(0)} s${when()}). ${result.notes.join(' ')}`,
      });
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      outcomes.push({
        title: scenario.title,
        rows: [{ scenario: scenario.title, metric: 'did not complete', value: message ?? 'error' }],
        note: `**${scenario.title}** did not complete${when()}: ${message}`,
      });
      log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    log(`  done in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  }
  const loadAtEnd = loadavg().map((value) => value.toFixed(2));
  const rows: ResultRow[] = outcomes.flatMap((outcome) => outcome.rows);
  const notes = outcomes.map((outcome) => outcome.note);
  const table = resultTable(rows);
  const section = [
    '<!-- bench:results:start -->',
    `## Results (${quick ? '`npm run bench -- --quick`' : '`npm run bench`'}, ${new Date().toISOString().slice(0, 16)}Z)`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.kernel}; ` +
      `Node.js ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}. ` +
      `Load average (1/5/15 min) at the start ${machine.loadAtStart}, at the end ${loadAtEnd.join(' / ')}. ` +
      `Whole run: ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`,
    '',
    table,
    '',
    ...notes.flatMap((note) => [`- ${note}`]),
    '<!-- bench:results:end -->',
  ].join('\n');
  process.stdout.write(`\n${table}\n\n${notes.map((note) => `- ${note}`).join('\n')}\n`);
  if (values['no-write'] !== true) writeResults(section, outcomes);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);

/** A full run replaces the results section; a run with `--only` replaces its scenarios' rows and notes. */
function writeResults(section: string, outcomes: ScenarioOutcome[]) {
  const path = join(repoRoot, 'BENCHMARKS.md');
  const current = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# Benchmarks\n\n<!-- bench:results:start -->\n<!-- bench:results:end -->\n';
  const pattern = /<!-- bench:results:start -->[\s\S]*<!-- bench:results:end -->/;
  const existing = pattern.exec(current)?.[0];
  const partial = values.only !== undefined && existing?.includes('| scenario |') === true;
  const titles = Object.values(scenarios).map((scenario) => scenario.title);
  const written = partial ? mergeResults(existing!, outcomes, titles) : section;
  const next = existing ? current.replace(pattern, () => written) : `${current}\n${written}\n`;
  writeFileSync(path, next);
  log(`results written to ${path}`);
}
