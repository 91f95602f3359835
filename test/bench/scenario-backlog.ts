import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, type ScenarioEnv, scenarioEnv } from './bench-env.js';
import { type StartedChild, startServiceChild } from './bot-child.js';
import type { ScenarioResult } from './report.js';
import { seedFamilies } from './seed.js';
import { fmt, waitUntil } from './stats.js';

/** A process and its descendants (`--role=all` is a supervisor with a process per role). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) children = children.concat(listed.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/** CPU seconds (user + system) the processes have used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100;
}

/**
 * The role a process of the service runs (`--role=…` on its command line; `all` is the supervisor, or every
 * role with `--one-process`).
 */
function roleOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const role = args.find((arg) => arg.startsWith('--role='))?.slice('--role='.length) ?? '?';
    if (role === 'all') return args.includes('--one-process') ? 'all in one' : 'supervisor';
    return role;
  } catch {
    return '?';
  }
}

const processes = (count: number) => (count === 1 ? 'one process' : `${count} processes`);

/** Resident set size of the processes together, in MiB. */
function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kb / 1024;
}

/** Transactions committed in the scenario's database so far (PostgreSQL's own statistics). */
async function commits(env: ScenarioEnv): Promise<number> {
  const admin = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin<{ n: string }[]>`
      select xact_commit::text as n from pg_stat_database where datname = current_database()`;
    return Number(row?.n ?? 0);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Backlog per chat: `families` families of `curators` curators each write `perFamily` messages; the
 * messages and their outbox events are committed at once while the service runs (`--role=all`), so
 * `families × perFamily / curators` copies wait for each curator's chat, which Telegram lets through at
 * about one a second. The emulator enforces Telegram's limits. Figures: the rate the copies reach the
 * chats, whether each family's messages arrive in the order written, the CPU per copy of the service's
 * processes (from /proc, start-up excluded) and their peak RSS together. The service runs as a small
 * installation would (`--role=all --one-process`: every role in one process), or with `supervised` as the
 * default `--role=all` (the supervisor and a process per role: five processes).
 */
export async function backlogScenario(options: {
  curators: number;
  families: number;
  perFamily: number;
  supervised?: boolean;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv(options.supervised ? 'backlog_supervised' : 'backlog');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
  await emulator.start();
  let child: StartedChild | undefined;
  let peakRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  const arrivals: Array<{ chatId: number; at: number; family: number; seq: number }> = [];
  const stopListening = emulator.onEvent((event) => {
    if (event.type !== 'message' || !event.message.from?.is_bot) return;
    const match = /Сообщение (\d+) семьи (\d+)/.exec(event.message.text ?? '');
    if (match)
      arrivals.push({
        chatId: event.chatId,
        at: Date.now(),
        family: Number(match[2]),
        seq: Number(match[1]),
      });
  });
  const total = options.families * options.perFamily;
  try {
    const families = await seedFamilies(env.db, emulator, options.families, {
      curatorEach: false,
      curators: options.curators,
    });
    child = await startServiceChild(
      env,
      emulator.url,
      'all',
      {},
      options.supervised ? [] : ['--one-process'],
    );
    const tree = processTree(child.pid);
    // The second half of the copies: the CPU from when half had arrived (sampled with the RSS) to the end,
    // once the process's code is warm (the overall figure counts its JIT warm-up from a fresh start).
    let atHalf: { cpu: number; arrived: number } | undefined;
    const sampleRss = () => {
      peakRss = Math.max(peakRss, rssMiB(tree));
      if (!atHalf && arrivals.length >= total / 2)
        atHalf = { cpu: cpuSeconds(tree), arrived: arrivals.length };
    };
    sampler = setInterval(sampleRss, 250);
    const cpuBefore = cpuSeconds(tree);
    const cpuBeforeEach = tree.map((pid) => cpuSeconds([pid]));
    const commitsBefore = await commits(env);
    const committedAt = Date.now();
    // Written in turn (each family's 1st message, then each one's 2nd…), as families writing at once would.
    await env.db.transaction(async (tx) => {
      const members = families.map((family, index) => ({ ...family, index }));
      await tx.execute(sql`
        with fam as (
          select f.id as family_id, m.id as member_id, m.telegram_id, (row_number() over (order by f.id))::int as n
          from families f join family_members m on m.family_id = f.id
          where f.id in (${sql.join(
            members.map((family) => sql`${family.familyId}`),
            sql`, `,
          )})),
        written as (
          insert into messages (family_id, direction, sender_member_id, kind, text, family_chat_id, family_message_id)
          select fam.family_id, 'family_to_staff', fam.member_id, 'text',
                 'Сообщение ' || s.seq || ' семьи ' || fam.n, fam.telegram_id, 1000 + s.seq
          from generate_series(1, ${options.perFamily}::int) as s(seq) cross join fam
          order by s.seq, fam.n
          returning id)
        insert into outbox (kind, payload)
        select 'message_relayed', jsonb_build_object('messageId', id) from written order by id`);
      await tx.execute(sql`select pg_notify('outbox', 'backlog')`);
    });
    await waitUntil(
      () => arrivals.length >= total,
      120_000 + (total / options.curators) * 1500,
      `${total} copies delivered`,
    );
    const cpuAtEnd = cpuSeconds(tree);
    const cpu = cpuAtEnd - cpuBefore;
    const warmMs = atHalf
      ? ((cpuAtEnd - atHalf.cpu) * 1000) / (arrivals.length - atHalf.arrived)
      : Number.NaN;
    const byRole = tree
      .map(
        (pid, index) =>
          `${roleOf(pid)} ${fmt(cpuSeconds([pid]) - cpuBeforeEach[index]!, 1)} s, ${fmt(rssMiB([pid]))} MiB`,
      )
      .join('; ');
    const transactions = (await commits(env)) - commitsBefore;
    sampleRss();
    const first = Math.min(...arrivals.map((arrival) => arrival.at));
    const last = Math.max(...arrivals.map((arrival) => arrival.at));
    const rate = (arrivals.length - 1) / ((last - first) / 1000);
    const ceiling = options.curators / 1.1;
    // In order: within each chat, each family's messages arrive with rising numbers.
    const lastSeen = new Map<string, number>();
    let outOfOrder = 0;
    for (const arrival of arrivals) {
      const key = `${arrival.chatId}:${arrival.family}`;
      if ((lastSeen.get(key) ?? 0) > arrival.seq) outOfOrder += 1;
      lastSeen.set(key, arrival.seq);
    }
    const cpuMs = (cpu * 1000) / total;
    const stats = emulator.stats();
    // Titled as in run.ts, so that a rerun of one replaces its own rows in BENCHMARKS.md and not the other's.
    const name = options.supervised
      ? `8b backlog per chat, five processes (${fmt(total)} copies to ${options.curators} chats)`
      : `8 backlog per chat (${fmt(total)} copies to ${options.curators} chats, one process)`;
    return {
      rows: [
        {
          scenario: name,
          metric: 'copies/s (first to last arrival)',
          value: fmt(rate, 1),
          target: `≈ ${fmt(ceiling, 1)} (1 per chat per 1.1 s)`,
          met: rate >= ceiling * 0.9,
        },
        {
          scenario: name,
          metric: 'copies out of their conversation’s order',
          value: fmt(outOfOrder),
          target: '0',
          met: outOfOrder === 0,
        },
        {
          scenario: name,
          metric: `CPU of the service's ${processes(tree.length)} per copy`,
          value: `${fmt(cpuMs, 2)} ms`,
          target: '≤ 2 ms',
          met: cpuMs <= 2,
        },
        {
          scenario: name,
          metric: 'the same, over the second half of the copies only (the code warm)',
          value: `${fmt(warmMs, 2)} ms`,
        },
        {
          scenario: name,
          metric: `RSS of the service's ${processes(tree.length)}${tree.length > 1 ? ' together' : ''}, peak`,
          value: `${fmt(peakRss)} MiB`,
          target: '< 200 MiB',
          met: peakRss < 200,
        },
      ],
      notes: [
        (options.supervised
          ? 'The service as `--role=all` starts it by default (a supervisor and a process per role). '
          : 'The service in one process (`--role=all --one-process`, every role in it, no supervisor). ') +
          `${fmt(total)} messages from ${options.families} families committed with their outbox events at once; ` +
          `the first copy ${fmt((first - committedAt) / 1000, 1)} s after the commit, the last ` +
          `${fmt((last - committedAt) / 1000, 1)} s after. The service used ${fmt(cpu, 1)} CPU-s ` +
          `(${fmt(cpu / (total / 1000), 1)} CPU-s per 1,000 copies, routing included) and committed ` +
          `${fmt(transactions)} PostgreSQL transactions (${fmt(transactions / total, 1)} per copy); the emulator ` +
          `answered ${stats.tooManyRequests} sends with 429, busiest second ${stats.maxSendsPerSecondGlobal} in all, ` +
          `${stats.maxSendsPerSecondPerChat} in one chat. ${tree.length > 1 ? `CPU and RSS at the end by process: ${byRole}.` : `RSS at the end ${fmt(rssMiB(tree))} MiB.`}`,
      ],
    };
  } finally {
    if (sampler) clearInterval(sampler);
    stopListening();
    await child?.stop();
    await emulator.stop();
    await env.close();
  }
}
