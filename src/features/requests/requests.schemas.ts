import { z } from 'zod';
import { type RequestCategory, requestCategories } from '../../db/schema/enums.js';
import { addDays } from '../../time.js';

/**
 * What each request category asks (SPEC §2's table), as zod schemas. The dialogues validate every answer
 * with the field schemas below; `createRequest` validates the whole details object again before saving.
 * Dates are ISO `YYYY-MM-DD` strings in the region's calendar; rules that depend on «today» take it as an
 * argument so the schemas stay pure.
 */

export const SHORT_TEXT_MAX = 200;
export const LONG_TEXT_MAX = 1000;
export const FREE_TEXT_MAX = 2000;

export const requestCategorySchema = z.enum(requestCategories);

const text = (max: number) =>
  z
    .string()
    .transform((value) => value.replace(/\s+/g, ' ').trim())
    .pipe(z.string().min(1).max(max));

/** A short answer: a name, a school, a class, hours. */
export const shortTextSchema = text(SHORT_TEXT_MAX);
/** A description, an address, a wish. */
export const longTextSchema = text(LONG_TEXT_MAX);
/** The whole request in the «Другое» category. */
export const freeTextSchema = z.string().trim().pipe(z.string().min(1).max(FREE_TEXT_MAX));

/** A real calendar date `YYYY-MM-DD` (no 31 February). */
export const isoDateSchema = z.string().refine(
  (value) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  },
  { error: 'not a real date' },
);

/** How far ahead a wished date may lie: a year, and a day for a leap year. */
export const UPCOMING_DAYS_AHEAD = 366;

/** A date from today up to `maxDaysAhead` days ahead: a wish about the future, not the past. */
export function upcomingDateSchema(today: string, maxDaysAhead = UPCOMING_DAYS_AHEAD) {
  const last = addDays(today, maxDaysAhead);
  return isoDateSchema
    .refine((value) => value >= today, { error: 'in the past' })
    .refine((value) => value <= last, { error: 'too far ahead' });
}

/**
 * An answer the family left to the curator when it would not go in the chat (issue 13 §5): stored in place of
 * the answer, shown as «уточнит куратор» to the family and as a thing to ask to staff.
 */
export const LEFT_TO_CURATOR = '@curator';

/** Someone from the passport's household, or a person the family named when the passport has nobody. */
export const personRefSchema = z.object({
  householdMemberId: z.number().int().positive().nullable(),
  name: shortTextSchema,
});
export type PersonRef = z.infer<typeof personRefSchema>;

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const nannySchedules = ['once', 'regular'] as const;
export const schoolMealsProblems = ['not_granted', 'interrupted', 'other'] as const;
export const beneficiaries = ['self', 'child', 'relative'] as const;
export const psychologistFormats = ['phone', 'video', 'in_person', 'chat'] as const;
export const psychologistUrgencies = ['planned', 'now'] as const;
export const elderlyHelpKinds = ['products_medicines', 'household', 'accompaniment', 'other'] as const;
export const elderlyCareFrequencies = ['once', 'weekly', 'several_weekly', 'daily'] as const;
export const legalTopics = ['payments_benefits', 'documents', 'credits_debts', 'housing', 'other'] as const;

/** Every choice the dialogues offer, by field: the button codes and their translation key stems. */
export const choiceSets = {
  schedule: nannySchedules,
  weekday: weekdays,
  problem: schoolMealsProblems,
  forWhom: beneficiaries,
  format: psychologistFormats,
  urgency: psychologistUrgencies,
  helpKind: elderlyHelpKinds,
  frequency: elderlyCareFrequencies,
  topic: legalTopics,
} as const;

const common = {
  comment: longTextSchema.optional(),
};

/** The details schema of every category; `today` bounds dates that must be upcoming. */
function buildDetailsSchemas(today: string) {
  const upcoming = z.union([z.literal(LEFT_TO_CURATOR), upcomingDateSchema(today)]);
  return {
    nanny: z.strictObject({
      children: z.array(personRefSchema).min(1).max(10),
      schedule: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('once'), date: upcoming, hours: shortTextSchema }),
        z.strictObject({
          kind: z.literal('regular'),
          days: z
            .array(z.enum(weekdays))
            .min(1)
            .max(7)
            .refine((days) => new Set(days).size === days.length, { error: 'a day twice' }),
          hours: shortTextSchema,
        }),
      ]),
      address: longTextSchema,
      ...common,
    }),
    kindergarten_transfer: z.strictObject({
      child: personRefSchema,
      currentKindergarten: shortTextSchema,
      wantedKindergarten: longTextSchema,
      wantedDate: upcoming,
      ...common,
    }),
    school_meals: z.strictObject({
      child: personRefSchema,
      school: shortTextSchema,
      schoolClass: z.string().trim().pipe(z.string().min(1).max(20)),
      problem: z.enum(schoolMealsProblems),
      ...common,
    }),
    psychologist: z.strictObject({
      forWhom: z.enum(beneficiaries),
      format: z.enum(psychologistFormats),
      urgency: z.enum(psychologistUrgencies),
      /** Asked only when planned: «прямо сейчас» is its own time. */
      preferredTime: shortTextSchema.optional(),
      ...common,
    }),
    elderly_care: z.strictObject({
      relative: personRefSchema,
      address: longTextSchema,
      helpKind: z.enum(elderlyHelpKinds),
      frequency: z.enum(elderlyCareFrequencies),
      ...common,
    }),
    employment: z.strictObject({
      forWhom: z.enum(beneficiaries),
      occupation: longTextSchema,
      wanted: longTextSchema,
      ...common,
    }),
    legal: z.strictObject({
      topic: z.enum(legalTopics),
      description: longTextSchema,
      ...common,
    }),
    medical: z.strictObject({
      forWhom: z.enum(beneficiaries),
      need: longTextSchema,
      ...common,
    }),
    other: z.strictObject({
      text: freeTextSchema,
      ...common,
    }),
  } satisfies Record<RequestCategory, z.ZodType>;
}

type Schemas = ReturnType<typeof buildDetailsSchemas>;

/** Built once per day, not on every replay of a dialogue that checks its draft. */
let built: { today: string; schemas: Schemas } | undefined;

/** The details schema of every category; `today` bounds dates that must be upcoming. */
export function detailsSchemas(today: string): Schemas {
  if (built?.today !== today) built = { today, schemas: buildDetailsSchemas(today) };
  return built.schemas;
}
export type RequestDetailsByCategory = { [K in RequestCategory]: z.infer<Schemas[K]> };
export type RequestDetails = RequestDetailsByCategory[RequestCategory];

/** A category with its details, checked together: what a confirmed dialogue hands to `createRequest`. */
export type RequestDraft = {
  [K in RequestCategory]: { category: K; details: RequestDetailsByCategory[K] };
}[RequestCategory];

export function parseRequestDraft(
  input: { category: unknown; details: unknown },
  today: string,
): { success: true; data: RequestDraft } | { success: false; error: z.ZodError } {
  const category = requestCategorySchema.safeParse(input.category);
  if (!category.success) return { success: false, error: category.error };
  const details = detailsSchemas(today)[category.data].safeParse(input.details);
  if (!details.success) return { success: false, error: details.error };
  return { success: true, data: { category: category.data, details: details.data } as RequestDraft };
}

/** The crisis path: a psychologist needed right now is urgent, with its own short deadlines. */
export function isCrisis(draft: { category: RequestCategory; details: unknown }): boolean {
  return (
    draft.category === 'psychologist' && (draft.details as { urgency?: unknown } | null)?.urgency === 'now'
  );
}

export const attachmentInputSchema = z.object({
  kind: z.enum(['photo', 'document']),
  fileId: z.string().min(1).max(300),
  fileUniqueId: z.string().max(300).optional(),
  fileName: z.string().max(300).optional(),
  mimeType: z.string().max(200).optional(),
  fileSize: z.number().int().nonnegative().optional(),
});
export type AttachmentInput = z.infer<typeof attachmentInputSchema>;
export const MAX_ATTACHMENTS = 10;
