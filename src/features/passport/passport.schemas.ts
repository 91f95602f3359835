import { z } from 'zod';
import { childInstitutions, relationships } from '../../db/schema/enums.js';

/** A person's full name as people write it: letters, spaces, hyphens, dots, apostrophes; 2–200 characters. */
export const fullNameSchema = z
  .string()
  .trim()
  .min(2)
  .max(200)
  .regex(/^\p{L}[\p{L}\s.'’-]*$/u);

export const localitySchema = z.string().trim().min(2).max(200);
export const addressSchema = z.string().trim().min(2).max(300);
export const careNeedsSchema = z.string().trim().min(2).max(500);
const isoDate = z.iso.date();

export const childSchema = z.object({
  fullName: fullNameSchema,
  birthDate: isoDate,
  institution: z.enum(childInstitutions),
});
export type ChildDraft = z.infer<typeof childSchema>;

export const relativeSchema = z.object({
  fullName: fullNameSchema,
  birthDate: isoDate.optional(),
  careNeeds: careNeedsSchema,
});
export type RelativeDraft = z.infer<typeof relativeSchema>;

/** Everything the passport dialogue collects before anything is stored; checked again before saving. */
export const passportDraftSchema = z.object({
  applicantName: fullNameSchema,
  relationship: z.enum(relationships),
  servicemanName: fullNameSchema,
  servicemanBirthDate: isoDate.optional(),
  districtId: z.number().int().positive(),
  districtName: z.string(),
  locality: localitySchema,
  address: addressSchema.optional(),
  children: z.array(childSchema).max(10),
  relatives: z.array(relativeSchema).max(10),
});
export type PassportDraft = z.infer<typeof passportDraftSchema>;

/** Fields a person can change in the summary and later in «Социальный паспорт». */
export const passportFields = [
  'applicantName',
  'relationship',
  'servicemanName',
  'servicemanBirthDate',
  'district',
  'locality',
  'address',
  'children',
  'relatives',
] as const;
export type PassportField = (typeof passportFields)[number];
