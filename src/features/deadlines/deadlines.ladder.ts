import {
  type EscalationClock,
  type EscalationLevel,
  openRequestStatuses,
  type RequestCategory,
  type RequestPriority,
  type RequestStatus,
} from '../../db/schema/enums.js';
import { type DeadlinePolicies, policyFor } from '../../deadline-policies.js';

/**
 * The escalation ladder of SPEC §5, for each of the two clocks: a reminder to the curator at half the
 * window, the district supervisors at the deadline, the regional supervisors at twice the window. The
 * deadlines are the request's columns; the window is the category's policy. Clocks run 24/7.
 */
export interface LadderRequest {
  id: number;
  category: RequestCategory;
  priority: RequestPriority;
  status: RequestStatus;
  takeDeadlineAt: Date;
  resolveDeadlineAt: Date;
}

export interface LadderStep {
  clock: EscalationClock;
  level: EscalationLevel;
  dueAt: Date;
}

export type StepKey = `${EscalationClock}:${EscalationLevel}`;
export const stepKey = (step: { clock: EscalationClock; level: EscalationLevel }): StepKey =>
  `${step.clock}:${step.level}`;

/** The take clock runs until someone takes the request; the resolve clock until it is closed. */
const clockRuns: Record<EscalationClock, ReadonlySet<RequestStatus>> = {
  take: new Set(['new', 'assigned']),
  resolve: new Set(openRequestStatuses),
};

export const isClockRunning = (clock: EscalationClock, status: RequestStatus) => clockRuns[clock].has(status);

/** Every step of the clocks still running for this request, earliest first. */
export function ladderSteps(request: LadderRequest, policies: DeadlinePolicies): LadderStep[] {
  const policy = policyFor(request.category, request.priority, policies);
  const steps: LadderStep[] = [];
  for (const clock of ['take', 'resolve'] as const) {
    if (!isClockRunning(clock, request.status)) continue;
    const deadline = (clock === 'take' ? request.takeDeadlineAt : request.resolveDeadlineAt).getTime();
    const windowMs = Math.round(
      (clock === 'take' ? policy.takeWithinMinutes : policy.resolveWithinMinutes) * 60_000,
    );
    steps.push(
      { clock, level: 'reminder', dueAt: new Date(deadline - Math.round(windowMs / 2)) },
      { clock, level: 'district', dueAt: new Date(deadline) },
      { clock, level: 'regional', dueAt: new Date(deadline + windowMs) },
    );
  }
  return steps.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/**
 * The one step to wait for next: the earliest not yet fired. Only one timer per request exists at a time
 * (Redis holds one delayed job per open request, not six); firing a step schedules the following one.
 */
export function nextStep(
  request: LadderRequest,
  fired: ReadonlySet<StepKey>,
  policies: DeadlinePolicies,
): LadderStep | undefined {
  return ladderSteps(request, policies).find((step) => !fired.has(stepKey(step)));
}

/** The step `key` of this request as it stands now; undefined when its clock no longer runs. */
export function findStep(
  request: LadderRequest,
  key: StepKey,
  policies: DeadlinePolicies,
): LadderStep | undefined {
  return ladderSteps(request, policies).find((step) => stepKey(step) === key);
}
