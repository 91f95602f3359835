/** Notification kinds produced by routing; their contents are built in routing.content.ts when they are sent. */
export const notificationKinds = {
  requestCard: 'request_card',
  familyWithoutCurator: 'family_without_curator',
  /** To a curator: a family was given to them (registered, moved into their district, handed over). */
  familyAssigned: 'family_assigned',
  recipientUnreachable: 'recipient_unreachable',
  /** To each family member: a curator took their request, resolved it, rejected it. */
  familyRequestTaken: 'family_request_taken',
  /** To each family member: the request's card reached a curator (who, by name) or the district supervisors. */
  familyRequestDelivered: 'family_request_delivered',
  familyRequestResolved: 'family_request_resolved',
  familyRequestRejected: 'family_request_rejected',
  /** To the request's curator (or the district supervisors when it has none): the family cancelled / reopened it. */
  curatorRequestCancelled: 'curator_request_cancelled',
  curatorRequestReopened: 'curator_request_reopened',
} as const;
