import { eq, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { escalations, notifications, supervisorAlerts } from '../../src/db/schema/index.js';
import {
  DIGEST_LIMIT,
  DIGEST_WINDOW_MS,
  flushDigest,
  recordSupervisorAlerts,
} from '../../src/features/deadlines/deadlines.usecases.js';
import { createFamilyWithMember, createStaffMember, districtByCode } from '../helpers/routing-factories.js';
import { createRequestWithPolicies } from './escalation-fixtures.js';

// No harness: a race of database transactions; no emulator and no role is needed.

/**
 * The digest rule is decided in PostgreSQL, so it holds when many workers (processes) alert one
 * supervisor at the same moment: here 20 transactions on separate connections race.
 */
describe('20 alerts for one supervisor recorded concurrently', () => {
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 20 });
  afterAll(async () => {
    await sql.end();
  });

  it('give exactly five notifications, fifteen buffered, one digest due — and the digest takes all fifteen once', async () => {
    const district = await districtByCode(db, 'usman');
    const supervisor = await createStaffMember(db, {
      role: 'supervisor',
      telegramId: 990_001,
      districtIds: [district.id],
    });
    const { family } = await createFamilyWithMember(db, { districtId: district.id });
    const escalationIds: Array<{ requestId: number; escalationId: number }> = [];
    for (let i = 0; i < 20; i += 1) {
      const request = await createRequestWithPolicies(db, { familyId: family.id });
      const [row] = await db
        .insert(escalations)
        .values({ requestId: request.id, clock: 'take', level: 'district' })
        .returning({ id: escalations.id });
      escalationIds.push({ requestId: request.id, escalationId: row!.id });
    }

    const now = new Date();
    const results = await Promise.all(
      escalationIds.map(({ requestId, escalationId }) =>
        db.transaction((tx) =>
          recordSupervisorAlerts(tx, { requestId, escalationId, staffIds: [supervisor.id], now }),
        ),
      ),
    );
    expect(results.flatMap((r) => r.notificationIds)).toHaveLength(DIGEST_LIMIT);
    const digests = results.flatMap((r) => r.digests);
    expect(digests).toHaveLength(1);
    expect(digests[0]!.dueAt).toEqual(new Date(now.getTime() + DIGEST_WINDOW_MS));
    const buffered = await db
      .select({ id: supervisorAlerts.id })
      .from(supervisorAlerts)
      .where(isNull(supervisorAlerts.notificationId));
    expect(buffered).toHaveLength(15);

    // Two flushes racing (a digest job re-created after a wipe, say): one digest, holding all fifteen.
    const flushed = await Promise.all([
      flushDigest({ db }, supervisor.id),
      flushDigest({ db }, supervisor.id),
    ]);
    expect(flushed.flat()).toHaveLength(1);
    const [digest] = await db.select().from(notifications).where(eq(notifications.id, flushed.flat()[0]!));
    expect(digest!.kind).toBe('escalation_digest');
    expect((digest!.payload as { requestIds: number[] }).requestIds).toHaveLength(15);
    expect(
      await db
        .select({ id: supervisorAlerts.id })
        .from(supervisorAlerts)
        .where(isNull(supervisorAlerts.notificationId)),
    ).toEqual([]);
  });
});
