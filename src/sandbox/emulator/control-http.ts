/**
 * The HTTP control API under /control: the same operations as the in-process methods, JSON in and out,
 * for tests whose bot runs in another process and for the sandbox UI (live events over SSE).
 * Errors are `{ "error": "..." }` with a 4xx status (408 for a wait that timed out).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ControlError } from './errors.js';
import { readBody, writeJson } from './http-io.js';
import { isRecord } from './params.js';
import type { Emulator, MessageSender, RawUpdate } from './types.js';

export interface ControlTarget extends Emulator {
  /** Registers an open event stream to end when the emulator stops; returns the unregister function. */
  trackStream(close: () => void): () => void;
}

interface RouteContext {
  match: RegExpExecArray;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  emulator: ControlTarget;
}

/** A route returns the JSON to answer with, or STREAMING when it answered by itself. */
const STREAMING = Symbol('streaming');
type RouteResult = unknown | typeof STREAMING;

interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handle(context: RouteContext): Promise<RouteResult> | RouteResult;
}

const HEARTBEAT_MS = 15_000;

const routes: Route[] = [
  { method: 'GET', path: /^\/control\/users$/, handle: ({ emulator }) => emulator.users() },
  {
    method: 'POST',
    path: /^\/control\/users$/,
    handle: async ({ req, emulator }) => {
      const body = new BodyReader(await readJsonObject(req));
      return emulator.createUser({
        first_name: body.string('first_name'),
        ...optional('id', body.optionalInteger('id')),
        ...optional('last_name', body.optionalString('last_name')),
        ...optional('username', body.optionalString('username')),
        ...optional('language_code', body.optionalString('language_code')),
        ...optional('phone_number', body.optionalString('phone_number')),
      });
    },
  },
  {
    method: 'POST',
    path: /^\/control\/users\/(\d+)\/block$/,
    handle: async ({ req, match, emulator }) => {
      const body = new BodyReader(await readJsonObject(req));
      return emulator.setBlocked(Number(match[1]), body.boolean('blocked'));
    },
  },
  {
    method: 'POST',
    path: /^\/control\/clock$/,
    handle: async ({ req, emulator }) => {
      const body = new BodyReader(await readJsonObject(req));
      return { offsetMs: emulator.advanceClock(body.integer('advanceMs')) };
    },
  },
  { method: 'GET', path: /^\/control\/updates$/, handle: ({ emulator }) => emulator.injectedUpdates() },
  {
    method: 'POST',
    path: /^\/control\/updates\/([a-z_]+)$/,
    handle: async ({ req, match, emulator }) =>
      injectUpdate(emulator, match[1] ?? '', await readJsonObject(req)),
  },
  {
    method: 'GET',
    path: /^\/control\/chats\/(-?\d+)\/messages$/,
    handle: ({ match, url, emulator }) => {
      const from = url.searchParams.get('from');
      if (from !== null && from !== 'bot' && from !== 'user')
        throw new ControlError('from must be "bot" or "user"');
      return emulator.messages(Number(match[1]), from ? { from: from as MessageSender } : {});
    },
  },
  {
    method: 'GET',
    path: /^\/control\/chats\/(-?\d+)\/wait$/,
    handle: ({ match, url, res, emulator }) => {
      const afterMessageId = queryInteger(url, 'after_message_id');
      return emulator.waitForMessage(Number(match[1]), undefined, queryInteger(url, 'timeout_ms') ?? 5000, {
        signal: abortedWhenCallerLeaves(res),
        ...(afterMessageId !== undefined ? { afterMessageId } : {}),
      });
    },
  },
  {
    method: 'GET',
    path: /^\/control\/chats\/(-?\d+)\/messages\/(\d+)\/wait-edit$/,
    handle: ({ match, url, res, emulator }) => {
      const afterVersion = queryInteger(url, 'after_version');
      return emulator.waitForEdit(
        Number(match[1]),
        Number(match[2]),
        queryInteger(url, 'timeout_ms') ?? 5000,
        {
          signal: abortedWhenCallerLeaves(res),
          ...(afterVersion !== undefined ? { afterVersion } : {}),
        },
      );
    },
  },
  {
    method: 'GET',
    path: /^\/control\/callback-answers$/,
    handle: ({ emulator }) => emulator.callbackAnswers(),
  },
  { method: 'GET', path: /^\/control\/limits$/, handle: ({ emulator }) => emulator.limits() },
  {
    method: 'POST',
    path: /^\/control\/limits$/,
    handle: async ({ req, emulator }) => {
      const body = await readJson(req);
      if (body === false || body === null) emulator.setLimits(false);
      else if (isRecord(body)) {
        const reader = new BodyReader(body);
        const burst = reader.optionalInteger('perChatBurst');
        const group = reader.optionalInteger('perGroupPerMinute');
        emulator.setLimits({
          global: reader.integer('global'),
          perChat: reader.integer('perChat'),
          ...(burst !== undefined ? { perChatBurst: burst } : {}),
          ...(group !== undefined ? { perGroupPerMinute: group } : {}),
        });
      } else
        throw new ControlError(
          'body must be {"global": n, "perChat": n, "perChatBurst"?: n, "perGroupPerMinute"?: n} or false',
        );
      return emulator.limits();
    },
  },
  { method: 'GET', path: /^\/control\/stats$/, handle: ({ emulator }) => emulator.stats() },
  {
    method: 'POST',
    path: /^\/control\/reset$/,
    handle: ({ emulator }) => {
      emulator.reset();
      return { ok: true };
    },
  },
  { method: 'GET', path: /^\/control\/webhook$/, handle: ({ emulator }) => emulator.webhookInfo() },
  { method: 'GET', path: /^\/control\/commands$/, handle: ({ emulator }) => emulator.commands() },
  { method: 'GET', path: /^\/control\/events$/, handle: streamEvents },
];

export async function handleControlRequest(
  emulator: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const candidates = routes.filter((route) => route.path.test(url.pathname));
  const route = candidates.find((candidate) => candidate.method === req.method);
  const match = route?.path.exec(url.pathname);
  if (!route || !match) {
    req.resume();
    const status = candidates.length > 0 ? 405 : 404;
    const error =
      status === 405 ? `use ${candidates.map((c) => c.method).join(' or ')}` : 'no such control route';
    writeJson(res, status, { error: `${error}: ${req.method} ${url.pathname}` });
    return;
  }
  const result = await route.handle({ match, url, req, res, emulator });
  if (result !== STREAMING) writeJson(res, 200, result ?? { ok: true });
}

function injectUpdate(emulator: Emulator, kind: string, fields: Record<string, unknown>): unknown {
  if (kind === 'raw') {
    // Either `{ "update": {...} }` or the update itself.
    const update = isRecord(fields.update) && Object.keys(fields).length === 1 ? fields.update : fields;
    return emulator.injectUpdate(update as RawUpdate);
  }
  const body = new BodyReader(fields);
  const userId = body.integer('user_id');
  const replyTo = optional('replyTo', body.optionalInteger('reply_to'));
  const mediaGroupId = optional('mediaGroupId', body.optionalString('media_group_id'));
  const caption = optional('caption', body.optionalString('caption'));
  const duration = optional('duration', body.optionalInteger('duration'));
  switch (kind) {
    case 'text':
      return emulator.sendText(userId, body.string('text'), replyTo);
    case 'contact':
      return emulator.sendContact(userId, {
        phone_number: body.string('phone_number'),
        ...optional('user_id', body.optionalInteger('contact_user_id')),
        ...optional('first_name', body.optionalString('first_name')),
        ...optional('last_name', body.optionalString('last_name')),
        ...replyTo,
      });
    case 'photo':
      return emulator.sendPhoto(userId, { ...caption, ...replyTo, ...mediaGroupId });
    case 'document':
      return emulator.sendDocument(userId, {
        file_name: body.string('file_name'),
        ...optional('mime_type', body.optionalString('mime_type')),
        ...optional('size', body.optionalInteger('size')),
        ...optional('content', body.optionalString('content')),
        ...caption,
        ...replyTo,
        ...mediaGroupId,
      });
    case 'sticker':
      return emulator.sendSticker(userId, { ...optional('emoji', body.optionalString('emoji')), ...replyTo });
    case 'voice':
      return emulator.sendVoice(userId, { ...duration, ...caption, ...replyTo });
    case 'video':
      return emulator.sendVideo(userId, { ...duration, ...caption, ...replyTo, ...mediaGroupId });
    case 'video_note':
      return emulator.sendVideoNote(userId, { ...duration, ...replyTo });
    case 'location':
      return emulator.sendLocation(userId, {
        latitude: body.number('latitude'),
        longitude: body.number('longitude'),
        ...replyTo,
      });
    case 'edit':
      return emulator.editText(userId, body.integer('message_id'), body.string('text'));
    case 'callback':
      return emulator.pressButton(userId, body.integer('message_id'), body.string('data'));
    case 'callback_by_text':
      return emulator.pressButtonByText(userId, body.optionalInteger('message_id'), body.string('text'));
    case 'reply_button':
      return emulator.pressReplyButton(userId, body.string('text'));
    default:
      throw new ControlError(`unknown update kind "${kind}"`, 404);
  }
}

function streamEvents({ req, res, emulator }: RouteContext): typeof STREAMING {
  req.resume();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  const unsubscribe = emulator.onEvent((event) => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  const close = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    untrack();
    if (!res.writableEnded) res.end();
  };
  const untrack = emulator.trackStream(close);
  res.on('close', close);
  return STREAMING;
}

// --- request helpers ---

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req)).toString('utf8').trim();
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new ControlError(
      `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = (await readJson(req)) ?? {};
  if (!isRecord(body)) throw new ControlError('request body must be a JSON object');
  return body;
}

/** A wait whose HTTP caller went away must not consume the message it was waiting for. */
function abortedWhenCallerLeaves(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function queryInteger(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new ControlError(`query parameter ${name} must be an integer`);
  return value;
}

/** `{ [key]: value }` when the value is defined, `{}` otherwise (for optional fields under strict types). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Reads fields of a control request body, answering 400 with the field name when one is wrong. */
class BodyReader {
  constructor(private readonly body: Record<string, unknown>) {}

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) throw new ControlError(`"${name}" is required (a string)`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new ControlError(`"${name}" must be a string`);
    return value;
  }

  integer(name: string): number {
    const value = this.optionalInteger(name);
    if (value === undefined) throw new ControlError(`"${name}" is required (an integer)`);
    return value;
  }

  optionalInteger(name: string): number | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      throw new ControlError(`"${name}" must be an integer`);
    return value;
  }

  number(name: string): number {
    const value = this.body[name];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new ControlError(`"${name}" must be a number`);
    return value;
  }

  boolean(name: string): boolean {
    const value = this.body[name];
    if (typeof value !== 'boolean') throw new ControlError(`"${name}" must be true or false`);
    return value;
  }
}
