/**
 * Reading request bodies the way the Bot API accepts them: query string, JSON, url-encoded form or
 * multipart/form-data. Multipart is parsed by hand because grammY writes headers like
 * `content-disposition:form-data;name="x";filename=a b.txt` (unquoted file name) that undici's
 * `Request.formData()` rejects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TelegramApiError } from './errors.js';

export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface RequestPayload {
  /** Parameter values: typed JSON values for JSON bodies, strings for forms and query strings. */
  fields: Record<string, unknown>;
  /** Multipart file parts by part name (grammY refers to them as `attach://<name>`). */
  files: Map<string, UploadedFile>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.length;
    if (total > MAX_BODY_BYTES) throw new TelegramApiError(413, 'Request Entity Too Large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads the Bot API parameters of a request; body fields override query string ones. */
export async function readApiPayload(req: IncomingMessage, query: URLSearchParams): Promise<RequestPayload> {
  const fields: Record<string, unknown> = Object.fromEntries(query);
  const files = new Map<string, UploadedFile>();
  const body = await readBody(req);
  if (body.length === 0) return { fields, files };
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new TelegramApiError(400, "Bad Request: can't parse JSON request body");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TelegramApiError(400, 'Bad Request: JSON request body must be an object');
    }
    Object.assign(fields, parsed);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (contentType.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const boundaryValue = boundary?.[1] ?? boundary?.[2];
    if (!boundaryValue) throw new TelegramApiError(400, 'Bad Request: multipart boundary is missing');
    for (const part of parseMultipart(body, boundaryValue)) {
      if (part.fileName === undefined) fields[part.name] = part.content.toString('utf8');
      else
        files.set(part.name, { fileName: part.fileName, contentType: part.contentType, bytes: part.content });
    }
  }
  return { fields, files };
}

interface MultipartPart {
  name: string;
  fileName: string | undefined;
  contentType: string;
  content: Buffer;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const malformed = (): TelegramApiError =>
    new TelegramApiError(400, 'Bad Request: malformed multipart body');
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw malformed();
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return parts;
    if (body[position] === 0x0d && body[position + 1] === 0x0a) position += 2;
    const end = body.indexOf(nextDelimiter, position);
    if (end < 0) throw malformed();
    const part = body.subarray(position, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw malformed();
    const headers = parsePartHeaders(part.subarray(0, headerEnd).toString('utf8'));
    const disposition = headers.get('content-disposition') ?? '';
    const name = readDispositionParameter(disposition, 'name');
    if (name === undefined) throw malformed();
    parts.push({
      name,
      fileName: readDispositionParameter(disposition, 'filename'),
      contentType: headers.get('content-type') ?? 'application/octet-stream',
      content: Buffer.from(part.subarray(headerEnd + 4)),
    });
    position = end + 2;
  }
}

function parsePartHeaders(raw: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function readDispositionParameter(disposition: string, parameter: 'name' | 'filename'): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${parameter}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(
    disposition,
  );
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '').trim();
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
