import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { families, familyMembers, householdMembers } from '../../db/schema/index.js';
import { inIntegers } from '../../db/sql-lists.js';

/** Passport filters an announcement's audience may be narrowed by; a family must match every one chosen. */
export const audienceFilters = ['children_under_7', 'school_children', 'kindergarten', 'elderly'] as const;
export type AudienceFilter = (typeof audienceFilters)[number];

export const audienceSchema = z.object({
  /** Empty: the whole region (only a regional supervisor or an admin). */
  districtIds: z.array(z.number().int().positive()).max(200),
  filters: z.array(z.enum(audienceFilters)).max(audienceFilters.length),
});
export type Audience = z.infer<typeof audienceSchema>;

/** The household condition of one filter, on the family `f` (today: the region's date). */
function filterCondition(filter: AudienceFilter, today: string): SQL {
  const household = (condition: SQL) =>
    sql`exists (select 1 from ${householdMembers} h where h.family_id = f.id and ${condition})`;
  switch (filter) {
    case 'children_under_7':
      return household(
        sql`h.kind = 'child' and h.birth_date is not null and h.birth_date > (${today}::date - interval '7 years')`,
      );
    case 'school_children':
      return household(sql`h.kind = 'child' and h.institution = 'school'`);
    case 'kindergarten':
      return household(sql`h.kind = 'child' and h.institution = 'kindergarten'`);
    case 'elderly':
      return household(sql`h.kind = 'elderly'`);
  }
}

export interface Recipient {
  memberId: number;
  familyId: number;
  chatId: number;
}

/**
 * Who an announcement reaches: every registered member (consent given, in Telegram, not erased) of the
 * families of the audience, except those who turned announcements off in «Настройки» and those known to
 * have blocked the bot. Members of families reached by phone have no chat and are not counted.
 */
export async function audienceRecipients(
  db: DbOrTx,
  audience: Audience,
  today: string,
): Promise<Recipient[]> {
  const conditions: SQL[] = [
    sql`m.erased_at is null`,
    sql`m.telegram_id is not null`,
    sql`m.consent_at is not null`,
    sql`not m.bot_blocked`,
    sql`not m.announcements_off`,
    sql`f.erased_at is null`,
  ];
  if (audience.districtIds.length > 0) conditions.push(inIntegers('f.district_id', audience.districtIds));
  for (const filter of audience.filters) conditions.push(filterCondition(filter, today));
  const rows = await db.execute<{ member_id: number; family_id: number; chat_id: string }>(sql`
    select m.id as member_id, m.family_id, m.telegram_id as chat_id
    from ${familyMembers} m join ${families} f on f.id = m.family_id
    where ${sql.join(conditions, sql` and `)}
    order by m.id`);
  return rows.map((row) => ({
    memberId: Number(row.member_id),
    familyId: Number(row.family_id),
    chatId: Number(row.chat_id),
  }));
}

/** The audience's size: families and people. */
export function audienceSize(recipients: Recipient[]) {
  return { families: new Set(recipients.map((r) => r.familyId)).size, people: recipients.length };
}
