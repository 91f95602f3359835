import { readFileSync } from 'node:fs';
import type { Language } from '../../../db/schema/enums.js';

/**
 * The consent text in force. A new text gets a new file pair (v2.ru.md, v2.en.md) and a new version id
 * here; each member's consent_version says which text they agreed to.
 */
export const CONSENT_VERSION = 'v1';

/** Reads the consent texts of the current version once (at bot assembly, not at import). */
export function loadConsentTexts(): Record<Language, string> {
  const read = (language: Language) =>
    readFileSync(new URL(`./${CONSENT_VERSION}.${language}.md`, import.meta.url), 'utf8').trim();
  return { ru: read('ru'), en: read('en') };
}

/** A consent version as its text names it: the file «v1» reads «(версия 1)», so people read «версия 1» too. */
export function consentVersionLabel(version: string): string {
  return /^v\d+$/.test(version) ? version.slice(1) : version;
}
