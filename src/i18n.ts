import { readdirSync, readFileSync } from 'node:fs';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { type Language, languages } from './db/schema/enums.js';

export type TranslationArgs = Record<string, FluentVariable>;
export type Translate = (key: string, args?: TranslationArgs) => string;

export interface I18n {
  t(language: Language, key: string, args?: TranslationArgs): string;
  /** A translate function bound to one language, for handlers and notifications. */
  forLanguage(language: Language): Translate;
  has(language: Language, key: string): boolean;
}

const localesDir = new URL('./locales/', import.meta.url);

/** The Fluent files of one language: `src/locales/<language>/*.ftl`, one per feature, in name order. */
export function localeFiles(language: Language): string[] {
  return readdirSync(new URL(`${language}/`, localesDir))
    .filter((file) => file.endsWith('.ftl'))
    .sort();
}

/**
 * A request number or an id is a name, not a quantity: «№ 1002», never grouped like «1 002 заявки». Fluent
 * groups every number it is given, so these arguments (`number`, and any `…Id`) go in as text, whoever
 * passes them: the one formatter of request numbers for every text.
 */
export function formatRequestNumber(value: number | string): string {
  return String(value);
}

function identifiersAsText(args: TranslationArgs): TranslationArgs {
  let copy: TranslationArgs | undefined;
  for (const [name, value] of Object.entries(args)) {
    if (typeof value === 'number' && (name === 'number' || name.endsWith('Id'))) {
      copy ??= { ...args };
      copy[name] = formatRequestNumber(value);
    }
  }
  return copy ?? args;
}

/** Loads the Fluent files once; Russian is the primary language and the fallback for missing keys. */
/**
 * A button's label written as a value after «Поле:» — «Срочность: можно в ближайшие дни», «Родство: жена»,
 * not «…: Можно…»: the one rule for every summary and card that prints a choice after a colon (request
 * details, the passport). The locale says whether its language does this (`answer-after-colon`: Russian
 * lowers the first letter; English keeps «For me», «I need help right now», «Mon»); an abbreviation (its
 * second letter a capital too) keeps its capitals. Only for a choice's label: what a person typed stays as typed.
 */
export function choiceAfterColon(t: Translate, label: string): string {
  return t('answer-after-colon') === 'lower' ? lowerFirstLetter(label) : label;
}

/** The first letter lowered, unless the word is an abbreviation («МФЦ»). */
export function lowerFirstLetter(label: string): string {
  const [first, second] = label;
  if (first === undefined || (second !== undefined && second !== second.toLowerCase())) return label;
  return first.toLowerCase() + label.slice(1);
}

export function createI18n(): I18n {
  const bundles = new Map<Language, FluentBundle>();
  for (const language of languages) {
    // Unicode isolation marks around placeables confuse Telegram clients and tests; plain text reads better.
    const bundle = new FluentBundle(language, { useIsolating: false });
    for (const file of localeFiles(language)) {
      const resource = new FluentResource(readFileSync(new URL(`${language}/${file}`, localesDir), 'utf8'));
      // A key defined twice (in one file or across files) is an error, not a silent override.
      const errors = bundle.addResource(resource);
      if (errors.length > 0)
        throw new Error(`${language}/${file}: ${errors.map((e) => e.message).join('; ')}`);
    }
    bundles.set(language, bundle);
  }

  const format = (language: Language, key: string, args?: TranslationArgs): string => {
    const values = args ? identifiersAsText(args) : null;
    for (const candidate of [language, 'ru'] as const) {
      const bundle = bundles.get(candidate);
      const message = bundle?.getMessage(key);
      if (bundle && message?.value) {
        const errors: Error[] = [];
        const text = bundle.formatPattern(message.value, values, errors);
        if (errors.length === 0) return text;
        throw new Error(`Translation ${candidate}:${key} failed: ${errors.map((e) => e.message).join('; ')}`);
      }
    }
    throw new Error(`Missing translation key: ${key}`);
  };

  return {
    t: format,
    forLanguage: (language) => (key, args) => format(language, key, args),
    has: (language, key) => Boolean(bundles.get(language)?.getMessage(key)?.value),
  };
}
