import type { Db, DbOrTx } from '../../db/client.js';
import { writeOutbox } from '../../queue/outbox.js';
import { authoriseFamilyAccess } from '../access/index.js';
import { insertNotifications, reachableMembersOf } from '../delivery/index.js';
import { createCheckInsRepository } from './check-ins.repository.js';
import { slotsOpenAt } from './check-ins.schedule.js';
import {
  type CallOutcome,
  type CheckInAnswer,
  checkInKinds,
  SILENT_AFTER_DAYS,
  SILENT_LIST_DAYS,
} from './check-ins.schemas.js';

const DAY_MS = 86_400_000;
/** Families asked in one run (a run every few minutes): the day's sends stay spread. */
const PER_RUN = 200;

/**
 * «Как у вас дела?» to the families due one (asked last `everyWeeks` ago, or registered that long ago)
 * whose minute of the day has come, in the region's daytime only. The check-in and its notifications are
 * one transaction per family, the family row locked and the due date checked again: a crash loses nothing
 * (the notifications are pending rows) and two runs never ask twice. Returns the notifications to queue.
 */
export async function planCheckIns(deps: {
  db: Db;
  now: Date;
  timeZone: string;
  everyWeeks: number;
}): Promise<number[]> {
  const openSlots = slotsOpenAt(deps.now, deps.timeZone);
  if (openSlots === undefined) return [];
  const cutoff = new Date(deps.now.getTime() - deps.everyWeeks * 7 * DAY_MS);
  const due = await createCheckInsRepository({ db: deps.db }).dueFamilies(cutoff, openSlots, PER_RUN);
  const made: number[] = [];
  for (const familyId of due) {
    made.push(...(await askFamily(deps.db, familyId, cutoff, deps.now)));
  }
  return made;
}

async function askFamily(db: Db, familyId: number, cutoff: Date, now: Date) {
  return db.transaction(async (tx) => {
    const repository = createCheckInsRepository({ db: tx });
    if (!(await repository.lockIfStillDue(familyId, cutoff))) return [];
    const members = await reachableMembersOf(tx, familyId);
    if (members.length === 0) return [];
    const checkInId = await repository.insertCheckIn({ familyId, memberId: members[0]!.id, now });
    return insertNotifications(
      tx,
      members.map((member) => ({
        kind: checkInKinds.ask,
        dedupeKey: `check-in:${checkInId}:member:${member.id}`,
        recipientMemberId: member.id,
        familyId,
        chatId: member.telegramId,
        payload: { checkInId },
      })),
    );
  });
}

/** The sandbox's demo: «Как у вас дела?» to the family now, whatever its schedule. */
export async function askCheckInNow(deps: { db: Db; now?: Date }, familyId: number): Promise<number[]> {
  const now = deps.now ?? new Date();
  return askFamily(deps.db, familyId, now, now);
}

export type AnswerResult =
  | { ok: false; reason: 'not_found' }
  | { ok: true; first: boolean; answer: CheckInAnswer; curator: boolean };

/**
 * The family's answer (only the first counts). «Позвоните мне» writes the outbox event that gives the
 * curator a call task, in the same transaction; a family without a curator is told so instead.
 */
export async function answerCheckIn(
  deps: { db: Db; now?: Date },
  input: { checkInId: number; familyId: number; answer: CheckInAnswer },
): Promise<AnswerResult> {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createCheckInsRepository({ db: tx });
    const checkIn = await repository.lockCheckIn(input.checkInId, input.familyId);
    if (!checkIn) return { ok: false, reason: 'not_found' } as const;
    const curator = checkIn.curatorId !== null;
    if (checkIn.answer) return { ok: true, first: false, answer: checkIn.answer as CheckInAnswer, curator };
    await repository.saveAnswer(checkIn.id, input.answer, now);
    if (input.answer === 'call' && curator) {
      await writeOutbox(tx, { kind: 'check_in_call', payload: { checkInId: checkIn.id } });
    }
    return { ok: true, first: true, answer: input.answer, curator };
  });
}

/** A call task to the family's curator («Позвоните мне» or «не отвечает»), made once per check-in. */
async function callTask(tx: DbOrTx, checkInId: number, familyId: number, kind: string) {
  const curator = await createCheckInsRepository({ db: tx }).curatorChat(familyId);
  if (!curator) return [];
  return insertNotifications(tx, [
    {
      kind,
      dedupeKey: `check-in:${checkInId}:${kind}`,
      recipientStaffId: curator.staffId,
      familyId,
      chatId: curator.chatId,
      payload: { checkInId },
    },
  ]);
}

/** The routing worker's part of «Позвоните мне»: the curator's call task (idempotent by its dedupe key). */
export async function notifyCheckInCall(deps: { db: Db }, checkInId: number): Promise<number[]> {
  return deps.db.transaction(async (tx) => {
    const checkIn = await createCheckInsRepository({ db: tx }).lockCheckIn(checkInId);
    if (!checkIn) return [];
    return callTask(tx, checkIn.id, checkIn.familyId, checkInKinds.callMe);
  });
}

/**
 * «Семья не отвечает — позвоните»: for each check-in unanswered for 7 days, one notice to the family's
 * curator, marked in the same transaction so it goes once. Families without a curator wait for one.
 */
export async function followUpSilentCheckIns(deps: { db: Db; now: Date }): Promise<number[]> {
  const cutoff = new Date(deps.now.getTime() - SILENT_AFTER_DAYS * DAY_MS);
  const silent = await createCheckInsRepository({ db: deps.db }).silentCheckIns(cutoff, PER_RUN);
  const made: number[] = [];
  for (const row of silent) {
    const ids = await deps.db.transaction(async (tx) => {
      if (!(await createCheckInsRepository({ db: tx }).markSilentNotice(row.id, deps.now))) return [];
      return callTask(tx, row.id, row.familyId, checkInKinds.silent);
    });
    made.push(...ids);
  }
  return made;
}

/** The curator's second tap: what the call came to, for staff who may act for the family (checked here). */
export async function recordCallOutcome(
  deps: { db: Db; now?: Date },
  input: { telegramId: number; checkInId: number; outcome: CallOutcome },
) {
  const now = deps.now ?? new Date();
  return deps.db.transaction(async (tx) => {
    const repository = createCheckInsRepository({ db: tx });
    const checkIn = await repository.lockCheckIn(input.checkInId);
    if (!checkIn) return { ok: false, refusal: { reason: 'not_found' } } as const;
    const access = await authoriseFamilyAccess(tx, {
      telegramId: input.telegramId,
      familyId: checkIn.familyId,
    });
    if (!access.ok) return access;
    await repository.saveCallOutcome(checkIn.id, input.outcome, access.presser.id, now);
    return { ok: true, familyId: checkIn.familyId } as const;
  });
}

/** The last contact with each family (see lastContacts), by family id. */
export const lastContactsOf = (db: DbOrTx, familyIds: number[]) =>
  createCheckInsRepository({ db }).lastContacts(familyIds);

/**
 * /silent: families of these districts (all: undefined) without contact for more than 30 days, longest
 * silence first; a family never in contact counts from when it registered.
 */
export async function silentFamilies(db: DbOrTx, districtIds: number[] | undefined, now = new Date()) {
  const repository = createCheckInsRepository({ db });
  const all = await repository.familiesOf(districtIds);
  const contacts = await repository.lastContacts(all.map((family) => family.id));
  const cutoff = now.getTime() - SILENT_LIST_DAYS * DAY_MS;
  return all
    .map((family) => ({ ...family, lastContactAt: contacts.get(family.id) ?? null }))
    .filter((family) => (family.lastContactAt ?? family.createdAt).getTime() < cutoff)
    .sort((a, b) => (a.lastContactAt ?? a.createdAt).getTime() - (b.lastContactAt ?? b.createdAt).getTime());
}
