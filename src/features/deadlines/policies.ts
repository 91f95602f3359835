import type { RequestCategory, RequestPriority } from '../../db/schema/enums.js';

export interface DeadlinePolicy {
  takeWithinMinutes: number;
  resolveWithinMinutes: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * SPEC §5 defaults. The clocks run 24/7: a night or a public holiday changes nothing.
 * (The escalation issue moves these into a validated config file.)
 */
export const defaultPolicies: Record<RequestCategory, DeadlinePolicy> & {
  psychologistUrgent: DeadlinePolicy;
} = {
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
    takeDeadlineAt: new Date(createdAt.getTime() + policy.takeWithinMinutes * 60_000),
    resolveDeadlineAt: new Date(createdAt.getTime() + policy.resolveWithinMinutes * 60_000),
  };
}
