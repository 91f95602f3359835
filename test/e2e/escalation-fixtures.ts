import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { and, asc, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Db } from '../../src/db/client.js';
import type { RequestCategory, RequestPriority } from '../../src/db/schema/enums.js';
import { escalations, requestEvents } from '../../src/db/schema/index.js';
import { type DeadlinePolicies, defaultPolicies } from '../../src/deadline-policies.js';
import { queueNames } from '../../src/queue/names.js';
import type { Emulator } from '../../src/sandbox/emulator.js';
import { createConfirmedRequest } from '../helpers/routing-factories.js';

/**
 * Short policies for escalation tests: a nanny request must be taken within 12 s (reminder at 6 s, the
 * district supervisors at 12 s, the regional ones at 24 s); everything else keeps the SPEC windows.
 */
export const TAKE_WITHIN_SECONDS = 12;
export const RESOLVE_WITHIN_SECONDS = 24;
export const testPolicies: DeadlinePolicies = {
  ...defaultPolicies,
  nanny: { takeWithinMinutes: TAKE_WITHIN_SECONDS / 60, resolveWithinMinutes: 30 },
  // The resolve clock in seconds too: 24 s from creation (reminder at 12 s, district 24 s, regional 48 s).
  legal: { takeWithinMinutes: TAKE_WITHIN_SECONDS / 60, resolveWithinMinutes: RESOLVE_WITHIN_SECONDS / 60 },
  psychologistUrgent: { takeWithinMinutes: 10, resolveWithinMinutes: 60 },
};

/** The policies written to a file, as DEADLINE_POLICIES_FILE names it. */
export function writePolicyFile(policies: DeadlinePolicies = testPolicies): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patronazh-policies-')), 'policies.json');
  writeFileSync(path, JSON.stringify(policies));
  return path;
}

/** A confirmed request (request, `created` event, outbox row in one transaction) with these policies. */
export function createRequestWithPolicies(
  db: Db,
  options: {
    familyId: number;
    category?: RequestCategory;
    priority?: RequestPriority;
    createdAt?: Date;
    policies?: DeadlinePolicies;
  },
) {
  return createConfirmedRequest(db, { ...options, policies: options.policies ?? testPolicies });
}

/** The bot's messages in a chat that mention this request number. */
export function messagesAbout(emulator: Emulator, chatId: number, number: number) {
  return emulator
    .messages(chatId, { from: 'bot' })
    .filter((message) => new RegExp(`№ ${number}(?!\\d)`).test(message.text ?? ''));
}

export async function firedSteps(db: Db, requestId: number) {
  return db
    .select({ clock: escalations.clock, level: escalations.level, firedAt: escalations.firedAt })
    .from(escalations)
    .where(eq(escalations.requestId, requestId))
    .orderBy(asc(escalations.id));
}

export async function escalatedEvents(db: Db, requestId: number) {
  return db
    .select({ data: requestEvents.data })
    .from(requestEvents)
    .where(and(eq(requestEvents.requestId, requestId), eq(requestEvents.type, 'escalated')))
    .orderBy(asc(requestEvents.id));
}

/** The deployment's deadlines queue on a connection of its own, closed after `work`. */
export async function withDeadlinesQueue<T>(
  config: { redisUrl: string; redisPrefix: string },
  work: (queue: Queue) => Promise<T>,
) {
  const connection = new Redis(config.redisUrl);
  const queue = new Queue(queueNames.deadlines, { connection, prefix: config.redisPrefix });
  try {
    return await work(queue);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
