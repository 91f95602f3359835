/**
 * Callback data of inline buttons: `<prefix>:<part>:<part>…`, opaque and well within Telegram's 64 bytes.
 * A feature declares its buttons once (`callbackData('cur', { … })`); the codec writes their data, gives the
 * composer its filter and reads a press back into typed values. Anything else — forged, stale, another
 * feature's — reads as undefined, never as an error. Every press is still checked on the server.
 */

/** A typed part of the data: how it is read from text and written back. */
export interface Field<N extends string = string, T = unknown> {
  readonly name: N;
  read(text: string): T | undefined;
  write(value: T): string;
}

/** A field of any value type, as a variant lists it. */
interface AnyField {
  readonly name: string;
  read(text: string): unknown;
  write(value: never): string;
}
type Part = string | AnyField;
type Variants = Record<string, readonly Part[]>;

/** The values a variant's fields carry, by name. */
export type ValuesOf<P extends readonly Part[]> = {
  [F in P[number] as F extends { name: infer N extends string } ? N : never]: F extends {
    read(text: string): infer T;
  }
    ? Exclude<T, undefined>
    : never;
};

/** What a press reads as: the variant's name as `kind`, with its values. */
export type PressOf<V extends Variants> = {
  [K in keyof V & string]: { kind: K } & ValuesOf<V[K]>;
}[keyof V & string];

const CALLBACK_DATA_BYTES = 64;
const INTEGER_MAX = 2_147_483_647;

function integer<N extends string>(name: N, min: number, max: number): Field<N, number> {
  return {
    name,
    read(text) {
      if (!/^\d{1,16}$/.test(text)) return undefined;
      const value = Number(text);
      return value >= min && value <= max ? value : undefined;
    },
    write: (value) => String(value),
  };
}

/** A row id: a positive integer within PostgreSQL's `integer`. */
export const id = <N extends string>(name: N) => integer(name, 1, INTEGER_MAX);

/** A row id of a `bigint` column (messages): a positive integer JavaScript holds exactly. */
export const bigId = <N extends string>(name: N) => integer(name, 1, Number.MAX_SAFE_INTEGER);

/** A whole number from `min` to `max` (a page, a rating). */
export const count = <N extends string>(name: N, range: { min: number; max: number }) =>
  integer(name, range.min, range.max);

/** One of the given words. */
export function oneOf<N extends string, const W extends readonly string[]>(
  name: N,
  words: W,
): Field<N, W[number]> {
  return {
    name,
    read: (text) => (words.includes(text) ? (text as W[number]) : undefined),
    write: (value) => value,
  };
}

/** A code of a catalogue (`[a-z_]`, 2–24 letters); whether it exists is the reader's to check. */
export function code<N extends string>(name: N): Field<N, string> {
  return { name, read: (text) => (/^[a-z_]{2,24}$/.test(text) ? text : undefined), write: (value) => value };
}

export interface CallbackCodec<V extends Variants> {
  /** For `composer.callbackQuery(…)`: every press of this codec's buttons (and only those). */
  readonly filter: RegExp;
  encode<K extends keyof V & string>(
    kind: K,
    ...values: keyof ValuesOf<V[K]> extends never ? [] : [ValuesOf<V[K]>]
  ): string;
  decode(data: string | undefined): PressOf<V> | undefined;
}

/**
 * The buttons of one feature: `prefix` and, by name, the parts after it. The first variant a press fits
 * is the one it reads as.
 */
export function callbackData<const V extends Variants>(prefix: string, variants: V): CallbackCodec<V> {
  if (!/^[a-z]{2,6}$/.test(prefix)) throw new Error(`callback prefix ${prefix} must be 2–6 letters`);
  return {
    filter: new RegExp(`^${prefix}(:|$)`),
    encode(kind, ...values) {
      const given = (values[0] ?? {}) as Record<string, unknown>;
      const parts = variants[kind]!.map((part) =>
        typeof part === 'string' ? part : (part.write as (value: unknown) => string)(given[part.name]),
      );
      const data = [prefix, ...parts].join(':');
      if (Buffer.byteLength(data) > CALLBACK_DATA_BYTES)
        throw new Error(`callback data over 64 bytes: ${kind}`);
      return data;
    },
    decode(data) {
      if (data === undefined || Buffer.byteLength(data) > CALLBACK_DATA_BYTES) return undefined;
      const [head, ...texts] = data.split(':');
      if (head !== prefix) return undefined;
      for (const [kind, parts] of Object.entries(variants)) {
        if (parts.length !== texts.length) continue;
        const press: Record<string, unknown> = { kind };
        const fits = parts.every((part, i) => {
          const text = texts[i]!;
          if (typeof part === 'string') return part === text;
          const value = part.read(text);
          press[part.name] = value;
          return value !== undefined;
        });
        if (fits) return press as PressOf<V>;
      }
      return undefined;
    },
  };
}
