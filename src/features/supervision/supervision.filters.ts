import type { RequestCategory } from '../../db/schema/enums.js';

/**
 * The district and category a supervisor or observer names after /stats or /export, in their own words:
 * «Грязинский», «грязинский район», «Елец», «няня», «психолог» — case does not matter, the start of a word
 * is enough where it points to one district or category — or the Latin codes admins use (`gryazi`,
 * `nanny`). Pure: the caller gives the districts and the category labels.
 */

export interface FilterVocabulary {
  districts: ReadonlyArray<{ id: number; code: string; name: string }>;
  categories: ReadonlyArray<{ code: RequestCategory; label: string }>;
}

export type FilterWordsResult =
  | { ok: true; districtId?: number; category?: RequestCategory }
  | { ok: false; reason: 'unknown'; word: string }
  | { ok: false; reason: 'ambiguous'; word: string; options: string[] };

const normalise = (text: string) => text.toLowerCase().replaceAll('ё', 'е');
const wordsOf = (text: string) =>
  normalise(text)
    .split(/[\s\-–—,.()«»"]+/)
    .filter(Boolean);

/** The shortest start of a word taken as meaning it: «гря» yes, «гр» too little. */
const MIN_PREFIX = 3;

/**
 * Which entries a word names: those with a word equal to it, else those with a word starting with it.
 * A code counts as a word.
 */
function candidates<T>(word: string, entries: ReadonlyArray<{ entry: T; words: string[] }>): Set<T> {
  const exact = entries.filter((e) => e.words.includes(word)).map((e) => e.entry);
  if (exact.length > 0) return new Set(exact);
  if (word.length < MIN_PREFIX) return new Set();
  return new Set(entries.filter((e) => e.words.some((w) => w.startsWith(word))).map((e) => e.entry));
}

function intersect<T>(sets: Set<T>[]): Set<T> {
  const [first, ...rest] = sets;
  if (!first) return new Set();
  return new Set([...first].filter((item) => rest.every((set) => set.has(item))));
}

/**
 * Reads the words (a period already taken out) as one district and one category. Each word names
 * districts or categories; the words of one kind together must name exactly one — «район» alone names
 * many, «грязинский район» one. A word that names nothing is refused with the word; one that leaves
 * several is refused with the choices.
 */
export function parseFilterWords(words: string[], vocabulary: FilterVocabulary): FilterWordsResult {
  const districtEntries = vocabulary.districts.map((d) => ({
    entry: d.id,
    words: [normalise(d.code), ...wordsOf(d.name)],
  }));
  const categoryEntries = vocabulary.categories.map((c) => ({
    entry: c.code,
    words: [normalise(c.code), ...wordsOf(c.label)],
  }));
  const districtSets: Array<{ word: string; set: Set<number> }> = [];
  const categorySets: Array<{ word: string; set: Set<RequestCategory> }> = [];
  for (const raw of words) {
    const word = normalise(raw);
    const asCategory = candidates(word, categoryEntries);
    const asDistrict = candidates(word, districtEntries);
    if (asCategory.size === 0 && asDistrict.size === 0) return { ok: false, reason: 'unknown', word: raw };
    // A word that names a category is taken as one (no district name is a category's word).
    if (asCategory.size > 0) categorySets.push({ word: raw, set: asCategory });
    else districtSets.push({ word: raw, set: asDistrict });
  }

  const result: { ok: true; districtId?: number; category?: RequestCategory } = { ok: true };
  if (districtSets.length > 0) {
    const found = intersect(districtSets.map((d) => d.set));
    const word = districtSets.map((d) => d.word).join(' ');
    if (found.size === 0) return { ok: false, reason: 'unknown', word };
    if (found.size > 1) {
      const names = vocabulary.districts.filter((d) => found.has(d.id)).map((d) => d.name);
      return { ok: false, reason: 'ambiguous', word, options: names };
    }
    result.districtId = [...found][0]!;
  }
  if (categorySets.length > 0) {
    const found = intersect(categorySets.map((c) => c.set));
    const word = categorySets.map((c) => c.word).join(' ');
    if (found.size === 0) return { ok: false, reason: 'unknown', word };
    if (found.size > 1) {
      const labels = vocabulary.categories.filter((c) => found.has(c.code)).map((c) => c.label);
      return { ok: false, reason: 'ambiguous', word, options: labels };
    }
    result.category = [...found][0]!;
  }
  return result;
}
