/** Typed, Telegram-worded access to the parameters of one Bot API call. */
import { badRequest } from './errors.js';
import type { RequestPayload, UploadedFile } from './http-io.js';

/** Where a media argument (photo, document, InputMedia.media...) comes from. */
export type MediaSource =
  | { kind: 'upload'; file: UploadedFile }
  | { kind: 'file_id'; fileId: string }
  | { kind: 'url'; url: string };

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class ApiParams {
  constructor(private readonly payload: RequestPayload) {}

  /** The parameters as a plain object (webhook replies and logging). */
  get fields(): Readonly<Record<string, unknown>> {
    return this.payload.fields;
  }

  has(name: string): boolean {
    const value = this.payload.fields[name];
    return value !== undefined && value !== null;
  }

  string(name: string): string | undefined {
    const value = this.payload.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  requiredString(name: string, missingReason = `${name} is empty`): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw badRequest(missingReason);
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.payload.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (!Number.isInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
    return number;
  }

  requiredInteger(name: string, missingReason = `${name} is empty`): number {
    const value = this.integer(name);
    if (value === undefined) throw badRequest(missingReason);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.payload.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(number)) throw badRequest(`field "${name}" must be of type Float`);
    return number;
  }

  boolean(name: string): boolean | undefined {
    const value = this.payload.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === '1' || value === 1) return true;
    if (value === 'false' || value === '0' || value === 0) return false;
    throw badRequest(`field "${name}" must be of type Boolean`);
  }

  /** A JSON-typed parameter; forms and multipart carry those as JSON strings. */
  json(name: string): unknown {
    const value = this.payload.fields[name];
    if (typeof value !== 'string') return value ?? undefined;
    const trimmed = value.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** The target chat of a call: chat ids are numbers; @usernames only name channels, never private chats. */
  chatId(name = 'chat_id'): number {
    const raw = this.string(name);
    if (raw === undefined || raw === '') throw badRequest(`${name} is empty`);
    const id = Number(raw);
    if (!Number.isSafeInteger(id)) throw badRequest('chat not found');
    return id;
  }

  media(name: string): MediaSource | undefined {
    const upload = this.payload.files.get(name);
    if (upload) return { kind: 'upload', file: upload };
    const value = this.payload.fields[name];
    if (value === undefined || value === null || value === '') return undefined;
    return this.mediaFromValue(value);
  }

  /** Resolves a media value: `attach://<part>`, an http(s) URL or a file_id. */
  mediaFromValue(value: unknown): MediaSource {
    if (typeof value !== 'string' || value === '')
      throw badRequest('wrong file identifier/HTTP URL specified');
    if (value.startsWith('attach://')) {
      const file = this.payload.files.get(value.slice('attach://'.length));
      if (!file) throw badRequest(`can't find attached file "${value}"`);
      return { kind: 'upload', file };
    }
    if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
    return { kind: 'file_id', fileId: value };
  }
}
