import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { regionDate, startOfRegionDay } from '../../time.js';
import { createCuratorToolsRepository } from './curator-tools.repository.js';
import { activeStaff } from './curator-tools.usecases.js';

/**
 * Absence (SPEC §4): a curator is away until a date with a deputy of their district. Routing reads
 * staff.away_until and staff.deputy_id at the moment it routes (src/features/routing), so a curator is back
 * at the date by itself: no job has to run for it.
 */

/** Who an away curator's deputy can be: an active curator sharing a district with them. */
export async function deputyCandidates(deps: { db: Db }, telegramId: number) {
  const presser = await activeStaff(deps.db, telegramId);
  if (presser?.role !== 'curator') return { ok: false, reason: 'wrong_role' } as const;
  const candidates = await createCuratorToolsRepository({ db: deps.db }).deputyCandidates(
    presser.id,
    presser.districtIds,
  );
  return { ok: true, candidates } as const;
}

const absenceInputSchema = z.object({ until: z.iso.date(), deputyId: z.number().int().positive() });

export type AbsenceResult =
  | { ok: true; awayUntil: Date; deputyName: string }
  | { ok: false; reason: 'wrong_role' | 'date_not_future' | 'deputy_not_allowed' };

/** `/away`: away until the start of `until` (region time), with a deputy from the curator's districts. */
export async function setAbsence(
  deps: { db: Db; timeZone: string; now?: Date },
  input: { telegramId: number; until: string; deputyId: number },
): Promise<AbsenceResult> {
  const now = deps.now ?? new Date();
  const values = absenceInputSchema.parse({ until: input.until, deputyId: input.deputyId });
  return deps.db.transaction(async (tx) => {
    const presser = await activeStaff(tx, input.telegramId);
    if (presser?.role !== 'curator') return { ok: false, reason: 'wrong_role' } as const;
    if (values.until <= regionDate(now, deps.timeZone))
      return { ok: false, reason: 'date_not_future' } as const;
    const repository = createCuratorToolsRepository({ db: tx });
    const deputy = (await repository.deputyCandidates(presser.id, presser.districtIds)).find(
      (candidate) => candidate.id === values.deputyId,
    );
    if (!deputy) return { ok: false, reason: 'deputy_not_allowed' } as const;
    const awayUntil = startOfRegionDay(values.until, deps.timeZone);
    await repository.setAbsence(presser.id, { awayUntil, deputyId: deputy.id });
    return { ok: true, awayUntil, deputyName: deputy.fullName } as const;
  });
}

/** `/back`: the absence ends now; new requests come to the curator again. */
export async function endAbsence(deps: { db: Db }, input: { telegramId: number }) {
  const presser = await activeStaff(deps.db, input.telegramId);
  if (presser?.role !== 'curator') return { ok: false, reason: 'wrong_role' } as const;
  const wasAway = presser.awayUntil !== null && presser.awayUntil > new Date();
  await createCuratorToolsRepository({ db: deps.db }).setAbsence(presser.id, {
    awayUntil: null,
    deputyId: null,
  });
  return { ok: true, wasAway } as const;
}
