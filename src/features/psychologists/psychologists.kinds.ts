/** Notification kinds of psychologists' consultations; their texts are in psychologists.content.ts. */
export const psychologistKinds = {
  /** To the family: the earliest free slots for its psychologist request, with the calendar. */
  offer: 'consultation_offer',
  /** To the family: no free slot within 14 days — on the waiting list, and when to expect one. */
  waitlist: 'consultation_waitlist',
  /** To the district supervisors: a family is on the psychologists' waiting list. */
  waitlistAlert: 'consultation_waitlist_alert',
  /** To the psychologist: a family booked a consultation. */
  booked: 'consultation_booked',
  /** To the psychologist: the family cancelled or moved its booking. */
  familyCancelled: 'consultation_family_cancelled',
  /** To the family: the psychologist cancelled, with the reason and new slots at once. */
  psychologistCancelled: 'consultation_psychologist_cancelled',
  /** 24 h and 1 h before: to the family, and to the psychologist. */
  familyReminder: 'consultation_reminder_family',
  staffReminder: 'consultation_reminder_staff',
  /** To the request's curator: booked, held or missed — never what was said. */
  curatorNotice: 'consultation_curator_notice',
} as const;
