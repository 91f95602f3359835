import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type RequestCategory, type RequestPriority, requestCategories } from './db/schema/enums.js';

/**
 * How long a request may wait to be taken and to be resolved. Minutes, decimals allowed (0.1 = 6 s), so
 * tests and the sandbox can run the whole ladder in seconds; the smallest accepted window is one second.
 */
export interface DeadlinePolicy {
  takeWithinMinutes: number;
  resolveWithinMinutes: number;
}

export type DeadlinePolicies = Record<RequestCategory, DeadlinePolicy> & {
  psychologistUrgent: DeadlinePolicy;
};

const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * SPEC §5 defaults, the same as `deadline-policies.default.json` (a test keeps them equal). The clocks run 24/7:
 * a night, a weekend or a public holiday changes nothing.
 */
export const defaultPolicies: DeadlinePolicies = {
  psychologistUrgent: { takeWithinMinutes: 15, resolveWithinMinutes: DAY },
  psychologist: { takeWithinMinutes: 2 * HOUR, resolveWithinMinutes: 3 * DAY },
  medical: { takeWithinMinutes: 2 * HOUR, resolveWithinMinutes: 3 * DAY },
  nanny: { takeWithinMinutes: 2 * HOUR, resolveWithinMinutes: 3 * DAY },
  elderly_care: { takeWithinMinutes: 2 * HOUR, resolveWithinMinutes: 3 * DAY },
  kindergarten_transfer: { takeWithinMinutes: 4 * HOUR, resolveWithinMinutes: 10 * DAY },
  school_meals: { takeWithinMinutes: 4 * HOUR, resolveWithinMinutes: 10 * DAY },
  employment: { takeWithinMinutes: 4 * HOUR, resolveWithinMinutes: 10 * DAY },
  legal: { takeWithinMinutes: 4 * HOUR, resolveWithinMinutes: 10 * DAY },
  other: { takeWithinMinutes: 4 * HOUR, resolveWithinMinutes: 10 * DAY },
};

export const DEFAULT_POLICIES_FILE = new URL('./deadline-policies.default.json', import.meta.url);

const minutes = z
  .number({ error: 'must be a number of minutes' })
  .min(1 / 60, { error: 'must be at least one second (1/60 of a minute)' })
  .max(366 * DAY, { error: 'must be at most a year' });

const policySchema = z
  .strictObject({ takeWithinMinutes: minutes, resolveWithinMinutes: minutes })
  .refine((policy) => policy.takeWithinMinutes <= policy.resolveWithinMinutes, {
    error: 'takeWithinMinutes must not be longer than resolveWithinMinutes',
  });

/** The policy file: one entry per category plus `psychologistUrgent`; unknown keys are typos and refused. */
export const deadlinePoliciesSchema = z.strictObject({
  $comment: z.string().optional(),
  psychologistUrgent: policySchema,
  ...Object.fromEntries(requestCategories.map((category) => [category, policySchema])),
} as Record<'psychologistUrgent' | RequestCategory, typeof policySchema> & {
  $comment: z.ZodOptional<z.ZodString>;
});

export type PolicyFileResult = { ok: true; policies: DeadlinePolicies } | { ok: false; problems: string[] };

/** Parses the text of a policy file; problems name the key, like `nanny.takeWithinMinutes must be …`. */
export function parseDeadlinePolicies(text: string): PolicyFileResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`is not valid JSON (${(error as Error).message})`] };
  }
  const parsed = deadlinePoliciesSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) =>
        issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : issue.message,
      ),
    };
  }
  const { $comment: _comment, ...policies } = parsed.data;
  return { ok: true, policies: policies as DeadlinePolicies };
}

/** Reads and checks a policy file (the default one when `path` is undefined). */
export function loadDeadlinePolicies(path: string | URL | undefined): PolicyFileResult {
  let text: string;
  try {
    text = readFileSync(path ?? DEFAULT_POLICIES_FILE, 'utf8');
  } catch (error) {
    return { ok: false, problems: [`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  const result = parseDeadlinePolicies(text);
  return result.ok ? result : { ok: false, problems: result.problems.map((p) => `file ${p}`) };
}

/** The policy of a request: its category's, or the urgent psychologist's. */
export function policyFor(category: RequestCategory, priority: RequestPriority, policies = defaultPolicies) {
  return category === 'psychologist' && priority === 'urgent'
    ? policies.psychologistUrgent
    : policies[category];
}

/** The two deadlines of a request created at `createdAt`. */
export function deadlinesFor(
  category: RequestCategory,
  priority: RequestPriority,
  createdAt: Date,
  policies = defaultPolicies,
) {
  const policy = policyFor(category, priority, policies);
  return {
    takeDeadlineAt: new Date(createdAt.getTime() + Math.round(policy.takeWithinMinutes * 60_000)),
    resolveDeadlineAt: new Date(createdAt.getTime() + Math.round(policy.resolveWithinMinutes * 60_000)),
  };
}
