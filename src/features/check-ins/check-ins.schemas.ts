/** The family's quick answers to «Как у вас дела?». */
export const checkInAnswers = ['fine', 'question', 'call'] as const;
export type CheckInAnswer = (typeof checkInAnswers)[number];

/** What the curator's call came to, recorded in two taps. */
export const callOutcomes = ['talked', 'needs_help', 'no_answer'] as const;
export type CallOutcome = (typeof callOutcomes)[number];

/** Without an answer this long, the curator is asked to call. */
export const SILENT_AFTER_DAYS = 7;
/** /silent: families without contact for longer than this. */
export const SILENT_LIST_DAYS = 30;

export const checkInKinds = {
  /** «Как у вас дела?» to a family member (last in the send budget). */
  ask: 'check-in',
  /** «Позвоните мне»: a call task to the curator with the family's phone. */
  callMe: 'check-in-call',
  /** «Семья не отвечает — позвоните»: to the curator after 7 days without an answer. */
  silent: 'check-in-silent',
} as const;
