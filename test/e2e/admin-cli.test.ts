import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { districts, families, staff } from '../../src/db/schema/index.js';
import { createEmulator } from '../../src/sandbox/emulator.js';
import { TEST_BOT_TOKEN, TEST_BOT_USERNAME, testEnv } from '../helpers/env.js';
import { runEntry, type SpawnedProcess, spawnEntry } from '../helpers/spawn.js';

// Not on useE2E: the admin CLI runs as one-shot processes (runEntry), as an operator runs it, beside a bot process.

type Emulator = ReturnType<typeof createEmulator>;

describe('admin command line and staff invites', () => {
  let emulator: Emulator;
  let app: SpawnedProcess;
  let env: Record<string, string>;
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 2 });
  const admin = (...args: string[]) => runEntry('src/admin/cli.ts', args, env);

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, botUsername: TEST_BOT_USERNAME });
    await emulator.start();
    env = testEnv({ TELEGRAM_API_ROOT: emulator.url });
    app = spawnEntry('src/main.ts', ['--role=bot'], env);
    await app.waitForLog((line) => line.msg === 'started');
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await emulator?.stop();
    await sql.end();
  });

  it('lists the seeded districts of the Lipetsk region', async () => {
    const { code, stdout } = await admin('districts', 'list');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines.filter((line) => / city /.test(line))).toHaveLength(2);
    expect(stdout).toContain('Грязинский район');
    expect(stdout).toContain('городской округ город Елец');
  });

  it('lists the support measures and imports a YAML file, refusing a bad one whole with each entry named', async () => {
    const listed = await admin('measures', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('school_meals');
    expect(listed.stdout).toContain('Бесплатное питание в школе');
    const dir = tmpdir();
    const bad = join(dir, `measures-bad-${process.pid}.yaml`);
    writeFileSync(
      bad,
      `measures:
  - code: winter_coats
    title: Зимняя одежда детям
    gives: Куртки и обувь к зиме.
    who: Дети до 17 лет.
    howToGet: { where: Центр соцзащиты, contacts: Куратор }
    requestCategory: other
    eligibility: { children: { maxAge: 17 } }
  - code: firewood
    title: Дрова
    gives: Дрова на зиму.
    who: Семьи в частных домах.
    howToGet: { where: Администрация района }
    requestCategory: fuel
`,
    );
    const refused = await admin('measures', 'import', '--file', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing imported');
    expect(refused.stderr).toContain('measure 2 (firewood): howToGet.contacts:');
    expect(refused.stderr).toContain('measure 2 (firewood): requestCategory:');
    expect((await admin('measures', 'list')).stdout).not.toContain('winter_coats');

    const good = join(dir, `measures-good-${process.pid}.yaml`);
    writeFileSync(good, readFileSync(bad, 'utf8').split('  - code: firewood')[0]!);
    const imported = await admin('measures', 'import', '--file', good);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('1 measures saved: winter_coats');
    expect((await admin('measures', 'list')).stdout).toMatch(
      /winter_coats\s+other\s+…–…\s+Зимняя одежда детям/,
    );
  });

  it('turns exactly one Telegram account into a curator per invite', async () => {
    const issued = await admin(
      'invite',
      '--role',
      'curator',
      '--district',
      'gryazi,lipetsk-city',
      '--name',
      'Анна Петрова',
    );
    expect(issued.code).toBe(0);
    const link = issued.stdout.trim().split('\n').at(-1)!;
    expect(link).toMatch(new RegExp(`^https://t\\.me/${TEST_BOT_USERNAME}\\?start=staff_[A-Za-z0-9_-]{32}$`));
    const payload = new URL(link).searchParams.get('start')!;

    const first = emulator.createUser({ first_name: 'Анна' });
    emulator.sendText(first.id, `/start ${payload}`);
    const welcome = await emulator.waitForMessage(first.id);
    expect(welcome.text).toContain('Анна Петрова');
    expect(welcome.text).toContain('социальный куратор');

    const second = emulator.createUser({ first_name: 'Пётр' });
    emulator.sendText(second.id, `/start ${payload}`);
    const refusal = await emulator.waitForMessage(second.id);
    expect(refusal.text).toContain('уже использована');

    const rows = await db.select().from(staff);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      telegramId: first.id,
      role: 'curator',
      fullName: 'Анна Петрова',
      active: true,
    });

    const listed = await admin('staff', 'list');
    expect(listed.stdout).toMatch(/curator\s+active\s+gryazi,lipetsk-city\s+Анна Петрова/);
  });

  it('refuses forged and expired invites with a clear answer', async () => {
    const user = emulator.createUser({ first_name: 'Гость' });
    emulator.sendText(user.id, `/start staff_${'x'.repeat(32)}`);
    expect((await emulator.waitForMessage(user.id)).text).toContain('недействительна');

    const issued = await admin('invite', '--role', 'supervisor', '--district', 'gryazi');
    const payload = new URL(issued.stdout.trim().split('\n').at(-1)!).searchParams.get('start')!;
    await sql`update staff_invites set expires_at = now() - interval '1 minute' where used_at is null`;
    emulator.sendText(user.id, `/start ${payload}`);
    expect((await emulator.waitForMessage(user.id)).text).toContain('Срок действия ссылки истёк');
    expect(await db.select().from(staff).where(eq(staff.telegramId, user.id))).toHaveLength(0);
  });

  it('refuses an invite without districts or with an unknown one, naming the problem', async () => {
    const none = await admin('invite', '--role', 'curator');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--district');
    const unknown = await admin('invite', '--role', 'observer', '--district', 'atlantis');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown district code(s): atlantis');
    const badRole = await admin('invite', '--role', 'king', '--district', 'gryazi');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('--role must be one of curator, supervisor, observer');
  });

  it('deactivates a curator at once and hands their families to another curator of the district', async () => {
    const [dankov] = await db.select().from(districts).where(eq(districts.code, 'dankov'));
    const [leaving, staying] = await db
      .insert(staff)
      .values([
        { role: 'curator', telegramId: 5_000_001, fullName: 'Уходящий куратор' },
        { role: 'curator', telegramId: 5_000_002, fullName: 'Остающийся куратор' },
      ])
      .returning();
    await sql`insert into staff_districts (staff_id, district_id) values (${leaving!.id}, ${dankov!.id}), (${staying!.id}, ${dankov!.id})`;
    const [family] = await db
      .insert(families)
      .values({ districtId: dankov!.id, curatorId: leaving!.id })
      .returning();

    const result = await admin('staff', 'deactivate', '--id', String(leaving!.id));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 families handed over, 0 left for supervisors');
    const [after] = await db.select().from(families).where(eq(families.id, family!.id));
    expect(after!.curatorId).toBe(staying!.id);
    const [gone] = await db.select().from(staff).where(eq(staff.id, leaving!.id));
    expect(gone!.active).toBe(false);

    const again = await admin('staff', 'deactivate', '--id', String(leaving!.id));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no active staff member with id ${leaving!.id}`);
  });

  it('adds a district and replaces the list, keeping the ones in use', async () => {
    const added = await admin('districts', 'add', '--code', 'test-district', '--name', 'Тестовый район');
    expect(added.code).toBe(0);
    const file = join(tmpdir(), `districts-${process.pid}.json`);
    writeFileSync(file, JSON.stringify([{ code: 'new-one', name: 'Новый район', kind: 'municipal' }]));
    const replaced = await admin('districts', 'replace', '--file', file);
    expect(replaced.code).toBe(0);
    const codes = (await db.select({ code: districts.code }).from(districts)).map((d) => d.code).sort();
    // These are used by staff or a family, so they stay.
    expect(codes).toEqual(['dankov', 'gryazi', 'lipetsk-city', 'new-one']);
    expect(replaced.stdout).toContain('kept because families or staff refer to them: ');
  });

  it('applies migrations idempotently', async () => {
    const first = await runEntry('src/db/migrate-cli.ts', [], env);
    const second = await runEntry('src/db/migrate-cli.ts', [], env);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stdout).toContain('Database is up to date.');
  });
  it('invites a field worker, and sends an announcement to the families of a district with a filter', async () => {
    const issued = await admin('invite', '--role', 'field', '--district', 'gryazi', '--name', 'Игорь Волков');
    expect(issued.code).toBe(0);
    const payload = new URL(issued.stdout.trim().split('\n').at(-1)!).searchParams.get('start')!;
    const worker = emulator.createUser({ first_name: 'Игорь' });
    emulator.sendText(worker.id, `/start ${payload}`);
    expect((await emulator.waitForMessage(worker.id)).text).toContain('выездной специалист');
    const regional = await admin('invite', '--role', 'field', '--regional');
    expect(regional.code).toBe(1);

    const [gryazi] = await db.select().from(districts).where(eq(districts.code, 'gryazi'));
    const made = await Promise.all(
      [true, false].map(async (withElderly, i) => {
        const [family] = await db.insert(families).values({ districtId: gryazi!.id }).returning();
        await sql`insert into family_members (family_id, telegram_id, full_name, consent_version, consent_at)
          values (${family!.id}, ${7_100_000 + i}, ${'Член семьи'}, 'v1', now())`;
        if (withElderly)
          await sql`insert into household_members (family_id, kind, full_name) values (${family!.id}, 'elderly', 'Бабушка')`;
        return family!;
      }),
    );
    const bad = await admin('announce', '--text', 'Привет', '--district', 'gryazi', '--filter', 'pets');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--filter must be among');
    const sent = await admin(
      'announce',
      '--text',
      'Соцработник придёт в четверг.',
      '--district',
      'gryazi',
      '--filter',
      'elderly',
      '--measure',
      'elderly_social_worker',
    );
    expect(sent.code).toBe(0);
    const id = /announcement (\d+) queued for 1 people in 1 families/.exec(sent.stdout)?.[1];
    expect(id).toBeDefined();
    const [announcement] = await sql`select measure_code from announcements where id = ${Number(id)}`;
    expect(announcement!.measure_code).toBe('elderly_social_worker');
    const unknown = await admin('announce', '--text', 'Привет', '--regional', '--measure', 'yacht');
    expect(unknown.stderr).toContain('unknown measure code: yacht');
    const rows = await sql`select family_id, status from notifications where kind = 'announcement'`;
    expect(rows.map((row) => row.family_id)).toEqual([made[0]!.id]);
    const status = await admin('announce', 'status', '--id', id!);
    expect(status.stdout).toContain(
      `announcement ${id}: 1 recipients; sent 0, blocked the bot 0, failed 0, left 1`,
    );
  });
});
