import { sql } from 'drizzle-orm';
import { startApp } from '../../src/app.js';
import { createConfig } from '../../src/config.js';
import { requestCategories, staff, staffDistricts } from '../../src/db/schema/index.js';
import { issueWebLink, redeemWebLink } from '../../src/features/web-access/index.js';
import { createLogger } from '../../src/logger.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { BENCH_BOT_TOKEN, scenarioEnv } from './bench-env.js';
import type { ScenarioResult } from './report.js';
import { fmt, ms, percentile } from './stats.js';

// The newest ninth (about two weeks) is still partly open, as in a running service; older requests are closed.
const openStatuses = [
  'resolved',
  'resolved',
  'resolved',
  'in_progress',
  'in_progress',
  'waiting_family',
  'assigned',
  'new',
  'cancelled',
];
const closedStatuses = [
  'resolved',
  'resolved',
  'resolved',
  'resolved',
  'resolved',
  'resolved',
  'resolved',
  'rejected',
  'cancelled',
];

/**
 * `requests` requests over the last 120 days, spread over `families` families in every district, in all
 * statuses and categories; written by one INSERT … SELECT (details empty: the pages never read them here).
 */
export async function seedWebWorld(
  db: Awaited<ReturnType<typeof scenarioEnv>>['db'],
  options: { families: number; requests: number },
) {
  await db.execute(sql`
    insert into families (district_id, locality, address)
    select d.id, 'Липецк', 'ул. Советская, д. ' || g.i
    from generate_series(0, ${options.families - 1}::int) as g(i)
    join (select id, row_number() over (order by id) - 1 as n, count(*) over () as total from districts) d
      on d.n = g.i % d.total`);
  await db.execute(sql`
    with fam as (select id, row_number() over (order by id) - 1 as n, count(*) over () as total from families),
    made as (
      select g.i, fam.id as family_id,
             (${sql.raw(`array[${requestCategories.map((c) => `'${c}'`).join(',')}]`)})[1 + g.i % 9]::request_category as category,
             (case when g.i < ${Math.floor(options.requests / 9)}::int
               then (${sql.raw(`array[${openStatuses.map((x) => `'${x}'`).join(',')}]`)})[1 + (g.i / 9) % 9]
               else (${sql.raw(`array[${closedStatuses.map((x) => `'${x}'`).join(',')}]`)})[1 + (g.i / 9) % 9] end)::request_status as status,
             now() - make_interval(secs => g.i::float8 * ${(120 * 86_400) / options.requests}::float8 + (g.i % 7) * 600) as created_at
      from generate_series(0, ${options.requests - 1}::int) as g(i)
      join fam on fam.n = g.i % fam.total)
    insert into requests (family_id, category, details, priority, status, created_at, taken_at, resolved_at,
                          take_deadline_at, resolve_deadline_at, rating)
    select family_id, category, '{}'::jsonb, case when i % 10 = 0 then 'urgent' else 'normal' end::request_priority,
           status, created_at,
           case when status in ('in_progress', 'waiting_family', 'resolved') then created_at + make_interval(mins => 30 + i % 600) end,
           case when status = 'resolved' then created_at + make_interval(hours => 2 + i % 100) end,
           created_at + interval '1 day', created_at + interval '5 days',
           case when status = 'resolved' and i % 3 = 0 then 1 + i % 5 end
    from made`);
  await db.execute(sql`analyze`);
}

/** Signs a staff member in the way the site does (a /web link, then opening it): the session's cookie. */
async function sessionCookie(db: Awaited<ReturnType<typeof scenarioEnv>>['db'], telegramId: number) {
  const access = { db, adminTelegramIds: [] };
  const link = await issueWebLink(access, telegramId);
  if (!link.ok) throw new Error(`no web link: ${link.reason}`);
  const session = await redeemWebLink(access, link.secret);
  if (!session.ok) throw new Error(`sign-in refused: ${session.reason}`);
  return `patronazh_web=${session.sessionSecret}`;
}

async function timed(url: string, cookie: string, times: number) {
  const durations: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * The monitoring site over 100,000 requests: the Overview (a regional supervisor's whole region, 30 days;
 * a district supervisor's 90 days) and a Register page (first page by creation, and one filtered by status
 * and sorted by deadline), each fetched over HTTP from the web role with a real session, one at a time.
 */
export async function webScenario(options: {
  requests: number;
  families: number;
  samples: number;
}): Promise<ScenarioResult> {
  const env = await scenarioEnv('web');
  const emulator = createEmulator({ token: BENCH_BOT_TOKEN });
  await emulator.start();
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    const seedStarted = performance.now();
    await seedWebWorld(env.db, options);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await env.db
      .insert(staff)
      .values({ role: 'supervisor', telegramId: 900_000_001, fullName: 'Региональный', regional: true });
    const [district] = await env.db
      .insert(staff)
      .values({ role: 'supervisor', telegramId: 900_000_002, fullName: 'Районный' })
      .returning({ id: staff.id });
    const [lipetsk] = await env.db.execute<{ id: number }>(
      sql`select id from districts where code = 'lipetsk-city'`,
    );
    await env.db.insert(staffDistricts).values({ staffId: district!.id, districtId: Number(lipetsk!.id) });
    const config = createConfig(
      env.appEnv({ TELEGRAM_API_ROOT: emulator.url, WEB_PORT: '0', WEB_HOST: '127.0.0.1' }),
    );
    app = await startApp(config, { role: 'web', logger: createLogger({ level: 'warn' }) });
    const base = `http://127.0.0.1:${app.webPort}`;
    const regionalCookie = await sessionCookie(env.db, 900_000_001);
    const districtCookie = await sessionCookie(env.db, 900_000_002);
    const n = options.samples;
    // One warm-up each (connections, plans), not counted.
    await timed(`${base}/web/overview`, regionalCookie, 1);
    await timed(`${base}/web/register`, regionalCookie, 1);
    const overview = [
      ...(await timed(`${base}/web/overview?period=30`, regionalCookie, n)),
      ...(await timed(`${base}/web/overview?period=90`, districtCookie, n)),
    ];
    const register = [
      ...(await timed(`${base}/web/register?period=90`, regionalCookie, n)),
      ...(await timed(
        `${base}/web/register?period=90&status=in_progress&sort=deadline&dir=asc&page=3`,
        regionalCookie,
        n,
      )),
      ...(await timed(`${base}/web/register?period=30`, districtCookie, n)),
    ];
    const overviewP95 = percentile(overview, 95);
    const registerP95 = percentile(register, 95);
    return {
      rows: [
        {
          scenario: '9 web',
          metric: 'Overview p95 (100k requests)',
          value: ms(overviewP95),
          target: '≤ 300 ms',
          met: overviewP95 <= 300,
        },
        { scenario: '9 web', metric: 'Overview median', value: ms(percentile(overview, 50)) },
        {
          scenario: '9 web',
          metric: 'Register page p95',
          value: ms(registerP95),
          target: '≤ 200 ms',
          met: registerP95 <= 200,
        },
        { scenario: '9 web', metric: 'Register page median', value: ms(percentile(register, 50)) },
      ],
      notes: [
        `${fmt(options.requests)} requests over 120 days in ${fmt(options.families)} families of every district (seeded in ${fmt(seedSeconds, 1)} s),`,
        'of the newest ninth (about two weeks) about half still open, older ones closed, as in a running service;',
        `${overview.length} Overview loads (a regional supervisor's 30 days, a district's 90) and ${register.length} Register pages`,
        "(first page, a status filter sorted by deadline on page 3, a district's 30 days), one at a time over HTTP with a real session.",
      ],
    };
  } finally {
    await app?.stop();
    await emulator.stop();
    await env.close();
  }
}
