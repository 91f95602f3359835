import { pgEnum } from 'drizzle-orm/pg-core';

/** `field`: a field worker who visits or calls households and fills in the needs questionnaire (features/field);
 * `psychologist`: a psychologist who keeps a schedule and takes families' consultations (features/psychologists). */
export const staffRoles = ['curator', 'supervisor', 'observer', 'field', 'psychologist'] as const;
export type StaffRole = (typeof staffRoles)[number];
export const staffRole = pgEnum('staff_role', staffRoles);

export const districtKinds = ['city', 'municipal'] as const;
export const districtKind = pgEnum('district_kind', districtKinds);

export const requestCategories = [
  'nanny',
  'kindergarten_transfer',
  'school_meals',
  'psychologist',
  'elderly_care',
  'employment',
  'legal',
  'medical',
  'other',
] as const;
export type RequestCategory = (typeof requestCategories)[number];
export const requestCategory = pgEnum('request_category', requestCategories);

export const requestStatuses = [
  'new',
  'assigned',
  'in_progress',
  'waiting_family',
  'resolved',
  'rejected',
  'cancelled',
] as const;
export type RequestStatus = (typeof requestStatuses)[number];
/** A request still open: waiting to be taken (`new`, `assigned`) or in work. The one list of them. */
export const openRequestStatuses = [
  'new',
  'assigned',
  'in_progress',
  'waiting_family',
] as const satisfies readonly RequestStatus[];
/** Open and not taken yet: its take clock runs (features/deadlines), its card offers «Взять в работу». */
export const waitingRequestStatuses = ['new', 'assigned'] as const satisfies readonly RequestStatus[];
/** Whether a request waits to be taken (waitingRequestStatuses). */
export const isWaitingToBeTaken = (status: string) =>
  (waitingRequestStatuses as readonly string[]).includes(status);
/** Whether a request is still open (openRequestStatuses). */
export const isOpenRequest = (status: string) => (openRequestStatuses as readonly string[]).includes(status);
export const requestStatus = pgEnum('request_status', requestStatuses);

export const requestPriorities = ['normal', 'urgent'] as const;
export type RequestPriority = (typeof requestPriorities)[number];
export const requestPriority = pgEnum('request_priority', requestPriorities);

export const relationships = ['wife', 'mother', 'father', 'child', 'other'] as const;
export type Relationship = (typeof relationships)[number];
export const relationship = pgEnum('relationship', relationships);

export const householdKinds = ['child', 'elderly', 'other'] as const;
export type HouseholdKind = (typeof householdKinds)[number];
export const householdKind = pgEnum('household_kind', householdKinds);

export const childInstitutions = ['kindergarten', 'school', 'none'] as const;
export const childInstitution = pgEnum('child_institution', childInstitutions);

export const reachedByValues = ['telegram', 'phone'] as const;
export type ReachedBy = (typeof reachedByValues)[number];
export const reachedBy = pgEnum('reached_by', reachedByValues);

export const consentDecisions = ['agreed', 'refused', 'withdrawn', 'oral'] as const;
export type ConsentDecision = (typeof consentDecisions)[number];
export const consentDecision = pgEnum('consent_decision', consentDecisions);

export const messageDirections = ['family_to_staff', 'staff_to_family'] as const;
export type MessageDirection = (typeof messageDirections)[number];
export const messageDirection = pgEnum('message_direction', messageDirections);

export const messageKinds = [
  'text',
  'photo',
  'document',
  'voice',
  'video',
  'video_note',
  'audio',
  'sticker',
  'other',
] as const;
export type MessageKind = (typeof messageKinds)[number];
export const messageKind = pgEnum('message_kind', messageKinds);

export const attachmentKinds = ['photo', 'document', 'voice', 'video', 'video_note', 'audio'] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];
export const attachmentKind = pgEnum('attachment_kind', attachmentKinds);

export const actorKinds = ['family', 'staff', 'system'] as const;
export type ActorKind = (typeof actorKinds)[number];
export const actorKind = pgEnum('actor_kind', actorKinds);

export const requestEventTypes = [
  'created',
  'assigned',
  'taken',
  'status_changed',
  'message',
  'escalated',
  'reassigned',
  'family_card_viewed',
  'rated',
  'reopened',
  'cancelled',
  'delivery_failed',
] as const;
export type RequestEventType = (typeof requestEventTypes)[number];
export const requestEventType = pgEnum('request_event_type', requestEventTypes);

export const outboxStatuses = ['pending', 'dispatched'] as const;
export const outboxStatus = pgEnum('outbox_status', outboxStatuses);

export const notificationStatuses = ['pending', 'sent', 'failed', 'unreachable'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];
export const notificationStatus = pgEnum('notification_status', notificationStatuses);

export const escalationClocks = ['take', 'resolve'] as const;
export type EscalationClock = (typeof escalationClocks)[number];
export const escalationClock = pgEnum('escalation_clock', escalationClocks);

export const escalationLevels = ['reminder', 'district', 'regional'] as const;
export type EscalationLevel = (typeof escalationLevels)[number];
export const escalationLevel = pgEnum('escalation_level', escalationLevels);

export const languages = ['ru', 'en'] as const;
export type Language = (typeof languages)[number];
export const language = pgEnum('language', languages);

/** How a consultation with a psychologist is held (features/psychologists). */
export const consultationFormats = ['video', 'phone', 'chat', 'in_person'] as const;
export type ConsultationFormat = (typeof consultationFormats)[number];
export const consultationFormat = pgEnum('consultation_format', consultationFormats);

/** A booked consultation: waiting for its time, then held, missed by the family, or cancelled. */
export const consultationStatuses = ['booked', 'held', 'no_show', 'cancelled'] as const;
export type ConsultationStatus = (typeof consultationStatuses)[number];
export const consultationStatus = pgEnum('consultation_status', consultationStatuses);
