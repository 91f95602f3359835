import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { z } from 'zod';
import { createConfig, createDatabaseConfig, loadConfigOrExit, loadDotEnv } from '../config.js';
import { createDb, type Db } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { type RequestCategory, requestCategories, staffRoles } from '../db/schema/enums.js';
import {
  type AudienceFilter,
  announcementProgress,
  audienceFilters,
  createAnnouncement,
} from '../features/announcements/index.js';
import { createDistrictsRepository } from '../features/districts/index.js';
import { createStaffInvite, createStaffRepository, StaffInviteInputError } from '../features/staff/index.js';
import { deactivateStaff, listAudit, setStaffCategories } from '../features/supervision/index.js';
import { importMeasures, listMeasures, measureByCode } from '../features/support-measures/index.js';
import { endWebSessionsOfStaff } from '../features/web-access/index.js';
import { createTelegramFetch } from '../telegram/api-fetch.js';

const usage = `Usage: npm run admin -- <command> [options]

  districts list
  districts add --code <code> --name "<name>" [--kind city|municipal]
  districts replace --file <districts.json>      JSON array of {code, name, kind}; unreferenced others are removed
  announce --text "<text>" (--district <code>[,<code>…] | --regional) [--filter <filter>[,<filter>…]]
           [--measure <measure code>] [--wait]      --measure: «Хочу оформить» for that support measure under it
                                                 an announcement to families (filters: children_under_7,
                                                 school_children, kindergarten, elderly; a family matches all);
                                                 --wait prints the progress every 10 s until the report
  announce status --id <announcement id>         sent / blocked the bot / failed / left
  invite --role curator|supervisor|observer|field|psychologist (--district <code>[,<code>…] | --regional)
         [--name "<full name>"] [--institution "<institution>"]
                                                 prints the single-use deep link (valid 48 h) as its last line;
                                                 a psychologist serves the districts given, or the whole region
  staff list [--all]
  staff deactivate --id <staff id>               revokes access at once, hands families and requests to another curator
  staff on-call --id <staff id> [--off]          the region's on-call curator gets requests no one else can take
  staff categories --id <staff id> [--category <code>[,<code>…]]
                                                 limits an observer's figures to these request categories
                                                 (e.g. medical,psychologist); without --category: all
  measures list                                  the catalogue of support measures: code, category, valid dates, title
  measures import --file <measures.yaml>         adds or updates measures by code (README, «Support measures»);
                                                 every entry is checked first: nothing is saved if one is wrong
  audit [--staff <id>] [--family <id>] [--action <action>] [--since <ISO time>] [--until <ISO time>]
                                                 staff reads of family cards, searches and exports (ids and times)
`;

class UsageError extends Error {}

const districtFileSchema = z.array(
  z.object({
    code: z.string().regex(/^[a-z0-9-]{2,40}$/, { error: 'code must be 2–40 of a-z, 0-9 and -' }),
    name: z.string().min(2).max(200),
    kind: z.enum(['city', 'municipal']).default('municipal'),
  }),
);

function print(line = '') {
  process.stdout.write(`${line}\n`);
}

function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

function parsePositiveInt(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new UsageError(`--${name} must be a positive whole number`);
  return number;
}

async function resolveBotUsername(): Promise<string> {
  const config = loadConfigOrExit(process.env, createConfig);
  if (config.botUsername) return config.botUsername;
  const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot, fetch: createTelegramFetch() });
  const me = await api.getMe();
  if (!me.username) throw new Error('the bot has no username; set BOT_USERNAME');
  return me.username;
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
      institution: { type: 'string' },
      kind: { type: 'string' },
      file: { type: 'string' },
      role: { type: 'string' },
      district: { type: 'string' },
      regional: { type: 'boolean' },
      id: { type: 'string' },
      all: { type: 'boolean' },
      off: { type: 'boolean' },
      staff: { type: 'string' },
      category: { type: 'string' },
      family: { type: 'string' },
      action: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      text: { type: 'string' },
      measure: { type: 'string' },
      filter: { type: 'string' },
      wait: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** What a command runs with: the database and the options it was given. */
interface CommandRun {
  db: Db;
  values: ReturnType<typeof parseCommandLine>['values'];
}

async function listDistricts({ db }: CommandRun) {
  for (const d of await createDistrictsRepository({ db }).list()) {
    print(`${d.code.padEnd(16)} ${d.kind.padEnd(10)} ${d.name}`);
  }
}

async function addDistrict({ db, values }: CommandRun) {
  const [parsed] = districtFileSchema.parse([
    {
      code: requireOption(values, 'code'),
      name: requireOption(values, 'name'),
      kind: values.kind ?? 'municipal',
    },
  ]);
  const row = await createDistrictsRepository({ db }).upsert(parsed!);
  print(`district ${row.code} saved: ${row.name}`);
}

async function replaceDistricts({ db, values }: CommandRun) {
  const file = requireOption(values, 'file');
  const list = districtFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const result = await db.transaction(async (tx) => {
    const repository = createDistrictsRepository({ db: tx });
    for (const district of list) await repository.upsert(district);
    return repository.removeUnreferencedExcept(list.map((d) => d.code));
  });
  print(`${list.length} districts saved; removed: ${result.removed.join(', ') || 'none'}`);
  if (result.keptBecauseReferenced.length > 0) {
    print(`kept because families or staff refer to them: ${result.keptBecauseReferenced.join(', ')}`);
  }
}

async function invite({ db, values }: CommandRun) {
  const role = requireOption(values, 'role');
  if (!(staffRoles as readonly string[]).includes(role)) {
    throw new UsageError(`--role must be one of ${staffRoles.join(', ')}`);
  }
  const config = loadConfigOrExit(process.env, createConfig);
  const username = await resolveBotUsername();
  const { payload, expiresAt } = await createStaffInvite(
    { db, ttlHours: config.inviteTtlHours },
    {
      role: role as (typeof staffRoles)[number],
      districtCodes: typeof values.district === 'string' ? values.district.split(',') : [],
      regional: values.regional === true,
      fullName: typeof values.name === 'string' ? values.name : undefined,
      institution: typeof values.institution === 'string' ? values.institution : undefined,
    },
  );
  print(`Invite for a ${role}; single use; valid until ${expiresAt.toISOString()}.`);
  print('Send this link to the person in a private channel; whoever opens it first becomes staff:');
  print(`https://t.me/${username}?start=${payload}`);
}

async function listStaff({ db, values }: CommandRun) {
  const rows = await createStaffRepository({ db }).listStaff({ includeInactive: values.all === true });
  for (const s of rows) {
    const scope = s.regional ? 'region' : s.districts.join(',');
    const flags = [s.active ? 'active' : 'inactive', s.onCall ? 'on-call' : ''].filter(Boolean).join(' ');
    print(
      `${String(s.id).padStart(4)}  ${s.role.padEnd(10)} ${flags.padEnd(16)} ${scope.padEnd(24)} ${s.fullName}`,
    );
  }
  if (rows.length === 0) print('no staff yet: issue an invite with `invite`');
}

async function deactivate({ db, values }: CommandRun) {
  const id = parsePositiveInt(requireOption(values, 'id'), 'id');
  const result = await deactivateStaff({ db }, id);
  if (!result) throw new UsageError(`no active staff member with id ${id}`);
  // Their monitoring sessions end now too (each page checks the staff row as well).
  const sessions = await endWebSessionsOfStaff(db, id);
  const unassigned = result.handedOver.filter((f) => f.curatorId === null).length;
  const requestsMoved =
    result.handedOver.reduce((sum, f) => sum + f.requestIds.length, 0) + result.requestsHandedOver.length;
  print(
    `staff ${id} deactivated; ${result.handedOver.length} families handed over, ${unassigned} left for supervisors; ${requestsMoved} open requests handed over; ${result.withdrawn} queued notifications withdrawn; ${sessions} web sessions ended; ${result.consultationsCancelled} consultations cancelled`,
  );
}

async function setOnCall({ db, values }: CommandRun) {
  const id = parsePositiveInt(requireOption(values, 'id'), 'id');
  const row = await createStaffRepository({ db }).setOnCall(id, values.off !== true);
  if (!row) throw new UsageError(`no staff member with id ${id}`);
  print(`staff ${id} on-call: ${row.onCall ? 'yes' : 'no'}`);
}

async function setCategories({ db, values }: CommandRun) {
  const id = parsePositiveInt(requireOption(values, 'id'), 'id');
  const codes = typeof values.category === 'string' ? values.category.split(',').map((c) => c.trim()) : [];
  const unknown = codes.filter((code) => !(requestCategories as readonly string[]).includes(code));
  if (unknown.length > 0) {
    throw new UsageError(`unknown categories: ${unknown.join(', ')}; known: ${requestCategories.join(', ')}`);
  }
  const result = await setStaffCategories(db, id, codes as RequestCategory[]);
  if (!result) throw new UsageError(`no staff member with id ${id}`);
  print(`staff ${id} (${result.role}) categories: ${result.categories.join(',') || 'all'}`);
}

async function audit({ db, values }: CommandRun) {
  const time = (name: 'since' | 'until') => {
    const value = values[name];
    if (typeof value !== 'string') return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new UsageError(`--${name} must be a date or time (ISO 8601)`);
    return date;
  };
  const id = (name: 'staff' | 'family') =>
    typeof values[name] === 'string' ? parsePositiveInt(values[name], name) : undefined;
  const rows = await listAudit(db, {
    staffId: id('staff'),
    familyId: id('family'),
    action: typeof values.action === 'string' ? values.action : undefined,
    since: time('since'),
    until: time('until'),
  });
  for (const row of rows) {
    print(
      [
        row.createdAt.toISOString(),
        `staff ${row.staffId ?? '—'} (${row.staffName ?? '—'})`,
        row.action.padEnd(20),
        row.familyId === null ? '' : `family ${row.familyId}`,
        row.requestId === null ? '' : `request ${row.requestId}`,
        Object.keys(row.details).length === 0 ? '' : JSON.stringify(row.details),
      ]
        .filter(Boolean)
        .join('  '),
    );
  }
  if (rows.length === 0) print('no audit records match');
}

async function importMeasuresCommand({ db, values }: CommandRun) {
  const file = requireOption(values, 'file');
  const result = await importMeasures(db, readFileSync(file, 'utf8'));
  if (!result.ok) throw new Error(`${file}: nothing imported\n${result.errors.join('\n')}`);
  print(`${result.measures.length} measures saved: ${result.measures.map((m) => m.code).join(', ')}`);
}

async function listMeasuresCommand({ db }: CommandRun) {
  const rows = await listMeasures(db);
  for (const m of rows) {
    const valid = `${m.validFrom ?? '…'}–${m.validTo ?? '…'}`;
    print(`${m.code.padEnd(24)} ${m.requestCategory.padEnd(22)} ${valid.padEnd(23)} ${m.title}`);
  }
  if (rows.length === 0) print('no measures yet: import them with `measures import --file measures.yaml`');
}

const progressLine = (id: number, p: Awaited<ReturnType<typeof announcementProgress>>) =>
  `announcement ${id}: ${p.total} recipients; sent ${p.sent}, blocked the bot ${p.blocked}, failed ${p.failed}, left ${p.left}`;

/** The districts an admin names by code (none with --regional: the whole region). */
async function districtIdsOf(db: Db, values: CommandRun['values']) {
  if (values.regional === true) return [];
  const codes = requireOption(values, 'district')
    .split(',')
    .map((code) => code.trim());
  const known = new Map((await createDistrictsRepository({ db }).list()).map((d) => [d.code, d.id]));
  return codes.map((code) => {
    const id = known.get(code);
    if (id === undefined) throw new UsageError(`unknown district code: ${code} (see: districts list)`);
    return id;
  });
}

/** `--measure`: a known support measure's code, for the «Хочу оформить» button. */
async function measureOf(db: Db, values: CommandRun['values']) {
  if (typeof values.measure !== 'string') return {};
  if (!(await measureByCode(db, values.measure)))
    throw new UsageError(`unknown measure code: ${values.measure} (see: measures list)`);
  return { measureCode: values.measure };
}

async function announce({ db, values }: CommandRun) {
  const filters = typeof values.filter === 'string' ? values.filter.split(',').map((f) => f.trim()) : [];
  for (const filter of filters) {
    if (!(audienceFilters as readonly string[]).includes(filter))
      throw new UsageError(`--filter must be among ${audienceFilters.join(', ')}`);
  }
  const config = loadConfigOrExit(process.env, createConfig);
  const created = await createAnnouncement(
    { db, timeZone: config.timeZone },
    {
      content: { text: requireOption(values, 'text'), ...(await measureOf(db, values)) },
      audience: { districtIds: await districtIdsOf(db, values), filters: filters as AudienceFilter[] },
      paidBroadcast: config.allowPaidBroadcast,
    },
  );
  if (!created.ok) throw new Error('no family that receives announcements matches; nothing was sent');
  print(
    `announcement ${created.announcementId} queued for ${created.people} people in ${created.families} families`,
  );
  if (values.wait !== true) return;
  for (;;) {
    const progress = await announcementProgress(db, created.announcementId);
    print(progressLine(created.announcementId, progress));
    if (progress.left === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
}

async function announceStatus({ db, values }: CommandRun) {
  const id = parsePositiveInt(requireOption(values, 'id'), 'id');
  print(progressLine(id, await announcementProgress(db, id)));
}

/** Each command with its subcommand, as typed; `invite` and `audit` take none. */
const commands = new Map<string, (run: CommandRun) => Promise<void>>([
  ['districts list', listDistricts],
  ['districts add', addDistrict],
  ['districts replace', replaceDistricts],
  ['invite', invite],
  ['staff list', listStaff],
  ['staff deactivate', deactivate],
  ['staff on-call', setOnCall],
  ['staff categories', setCategories],
  ['measures import', importMeasuresCommand],
  ['measures list', listMeasuresCommand],
  ['audit', audit],
  ['announce', announce],
  ['announce status', announceStatus],
]);

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(argv);
  const [command, sub] = positionals;
  if (!command || values.help) {
    print(usage);
    return;
  }
  const run = commands.get(`${command} ${sub}`) ?? commands.get(command);
  const { databaseUrl } = loadConfigOrExit(process.env, createDatabaseConfig);
  await runMigrations(databaseUrl);
  const { db, sql } = createDb(databaseUrl, { max: 2 });
  try {
    if (!run) throw new UsageError(`unknown command: ${positionals.join(' ')}`);
    await run({ db, values });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

loadDotEnv();
main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof StaffInviteInputError) {
    process.stderr.write(`${error.message}\n\n${usage}`);
  } else if (error instanceof z.ZodError) {
    process.stderr.write(`${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
