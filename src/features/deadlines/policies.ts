import type { RequestCategory, RequestPriority } from '../../db/schema/enums.js';
import { defaultPolicies } from '../../deadline-policies.js';

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
