import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { z } from 'zod';
import { createConfig, createDatabaseConfig, loadConfigOrExit, loadDotEnv } from '../config.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { type RequestCategory, requestCategories, staffRoles } from '../db/schema/enums.js';
import { createDistrictsRepository } from '../features/districts/districts.repository.js';
import { createStaffRepository } from '../features/staff/staff.repository.js';
import {
  createStaffInvite,
  deactivateStaff,
  StaffInviteInputError,
} from '../features/staff/staff.usecases.js';
import { listAudit } from '../features/supervision/supervision.audit.js';
import { setStaffCategories } from '../features/supervision/supervision.scope.js';
import { createTelegramFetch } from '../telegram/api-fetch.js';

const usage = `Usage: npm run admin -- <command> [options]

  districts list
  districts add --code <code> --name "<name>" [--kind city|municipal]
  districts replace --file <districts.json>      JSON array of {code, name, kind}; unreferenced others are removed
  invite --role curator|supervisor|observer (--district <code>[,<code>…] | --regional) [--name "<full name>"]
                                                 prints the single-use deep link (valid 48 h) as its last line
  staff list [--all]
  staff deactivate --id <staff id>               revokes access at once, hands families to another curator
  staff on-call --id <staff id> [--off]          the region's on-call curator gets requests no one else can take
  staff categories --id <staff id> [--category <code>[,<code>…]]
                                                 limits an observer's figures to these request categories
                                                 (e.g. medical,psychologist); without --category: all
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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      code: { type: 'string' },
      name: { type: 'string' },
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (!command || values.help) {
    print(usage);
    return;
  }

  const { databaseUrl } = loadConfigOrExit(process.env, createDatabaseConfig);
  await runMigrations(databaseUrl);
  const { db, sql } = createDb(databaseUrl, { max: 2 });
  try {
    const districts = createDistrictsRepository({ db });
    const staff = createStaffRepository({ db });

    if (command === 'districts' && sub === 'list') {
      for (const d of await districts.list()) print(`${d.code.padEnd(16)} ${d.kind.padEnd(10)} ${d.name}`);
      return;
    }
    if (command === 'districts' && sub === 'add') {
      const [parsed] = districtFileSchema.parse([
        {
          code: requireOption(values, 'code'),
          name: requireOption(values, 'name'),
          kind: values.kind ?? 'municipal',
        },
      ]);
      const row = await districts.upsert(parsed!);
      print(`district ${row.code} saved: ${row.name}`);
      return;
    }
    if (command === 'districts' && sub === 'replace') {
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
      return;
    }
    if (command === 'invite') {
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
        },
      );
      print(`Invite for a ${role}; single use; valid until ${expiresAt.toISOString()}.`);
      print('Send this link to the person in a private channel; whoever opens it first becomes staff:');
      print(`https://t.me/${username}?start=${payload}`);
      return;
    }
    if (command === 'staff' && sub === 'list') {
      const rows = await staff.listStaff({ includeInactive: values.all === true });
      for (const s of rows) {
        const scope = s.regional ? 'region' : s.districts.join(',');
        const flags = [s.active ? 'active' : 'inactive', s.onCall ? 'on-call' : ''].filter(Boolean).join(' ');
        print(
          `${String(s.id).padStart(4)}  ${s.role.padEnd(10)} ${flags.padEnd(16)} ${scope.padEnd(24)} ${s.fullName}`,
        );
      }
      if (rows.length === 0) print('no staff yet: issue an invite with `invite`');
      return;
    }
    if (command === 'staff' && sub === 'deactivate') {
      const id = parsePositiveInt(requireOption(values, 'id'), 'id');
      const result = await deactivateStaff({ db }, id);
      if (!result) throw new UsageError(`no active staff member with id ${id}`);
      const unassigned = result.handedOver.filter((f) => f.curatorId === null).length;
      print(
        `staff ${id} deactivated; ${result.handedOver.length} families handed over, ${unassigned} left for supervisors`,
      );
      return;
    }
    if (command === 'staff' && sub === 'on-call') {
      const id = parsePositiveInt(requireOption(values, 'id'), 'id');
      const row = await staff.setOnCall(id, values.off !== true);
      if (!row) throw new UsageError(`no staff member with id ${id}`);
      print(`staff ${id} on-call: ${row.onCall ? 'yes' : 'no'}`);
      return;
    }
    if (command === 'staff' && sub === 'categories') {
      const id = parsePositiveInt(requireOption(values, 'id'), 'id');
      const codes =
        typeof values.category === 'string' ? values.category.split(',').map((c) => c.trim()) : [];
      const unknown = codes.filter((code) => !(requestCategories as readonly string[]).includes(code));
      if (unknown.length > 0) {
        throw new UsageError(
          `unknown categories: ${unknown.join(', ')}; known: ${requestCategories.join(', ')}`,
        );
      }
      const result = await setStaffCategories(db, id, codes as RequestCategory[]);
      if (!result) throw new UsageError(`no staff member with id ${id}`);
      print(`staff ${id} (${result.role}) categories: ${result.categories.join(',') || 'all'}`);
      return;
    }
    if (command === 'audit') {
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
      return;
    }
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
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
