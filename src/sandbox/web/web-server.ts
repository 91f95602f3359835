/**
 * The sandbox's web page: the chats of several emulated people side by side, live. A thin layer over the
 * in-process emulator: the page's clicks become the emulator's user actions, and the emulator's events are
 * streamed to the browser (Server-Sent Events).
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Emulator, EmulatorEvent, InjectResult } from '../emulator.js';
import { ControlError } from '../emulator.js';
import { type PageNotes, renderPage, type WebPerson } from './page.js';

export type { PageNotes, WebPerson } from './page.js';

export interface SandboxWebServerOptions {
  emulator: Emulator;
  people: readonly WebPerson[];
  /** Starts over with fresh demo data (the page's «Начать заново»). */
  reset: () => Promise<void>;
  notes: PageNotes;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** When the port is taken, take a free one instead of failing (the default port of `npm run sandbox`). */
  fallbackToFreePort?: boolean;
  /** Default 127.0.0.1: the sandbox is for the person at this machine. */
  host?: string;
  onError?: (error: unknown) => void;
}

export interface SandboxWebServer {
  /** `http://host:port`, once started. */
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What the browser's SSE stream carries: the emulator's events plus the page's own reset notices. */
type PageEvent = EmulatorEvent | { type: 'resetting' } | { type: 'reset' };

const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Pictures people send are kept for showing them in the page; the oldest go first. */
const MAX_KEPT_UPLOADS = 50;
const HEARTBEAT_MS = 15_000;

const STATIC_FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '/sandbox.js': { file: 'sandbox.js', type: 'text/javascript; charset=utf-8' },
  '/sandbox.css': { file: 'sandbox.css', type: 'text/css; charset=utf-8' },
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  // Browsers and tools ask for /favicon.ico whatever the page links; they get the same picture, not a 404.
  '/favicon.ico': { file: 'favicon.svg', type: 'image/svg+xml' },
};

// The page never runs or loads anything but its own files, whatever text a bot sends.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

// The page splits a long text into messages of at most 4,096 characters, as Telegram's apps do; a single
// message longer than that is refused in words a person reads.
const textBody = z.object({
  text: z
    .string()
    .min(1, { error: 'пустое сообщение' })
    .max(4096, { error: 'сообщение длиннее 4 096 символов — обновите страницу: она отправит его частями' }),
  replyTo: z.number().int().positive().optional(),
});
const buttonBody = z.object({ messageId: z.number().int().positive(), data: z.string().max(64) });
const replyButtonBody = z.object({ text: z.string().min(1) });

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The page's state: what the routes read and change, and what stop() ends. */
interface Page {
  options: SandboxWebServerOptions;
  emulator: Emulator;
  peopleIds: Set<number>;
  uploads: Map<string, { bytes: Buffer; type: string }>;
  streams: Set<ServerResponse>;
  staticContent: Map<string, Buffer>;
  resetting?: Promise<void>;
}

export function createSandboxWebServer(options: SandboxWebServerOptions): SandboxWebServer {
  const page: Page = {
    options,
    emulator: options.emulator,
    peopleIds: new Set(options.people.map((person) => person.userId)),
    uploads: new Map(),
    streams: new Set(),
    staticContent: new Map(),
  };
  let address: string | undefined;
  let unsubscribe: (() => void) | undefined;
  const server = createServer((req, res) => {
    void handleRequest(page, req, res);
  });

  return {
    get url() {
      if (!address) throw new Error('the sandbox page is not started');
      return address;
    },
    async start() {
      if (address) return;
      for (const [route, { file }] of Object.entries(STATIC_FILES)) {
        page.staticContent.set(route, await readFile(new URL(`./static/${file}`, import.meta.url)));
      }
      unsubscribe = page.emulator.onEvent((event) => {
        if (page.peopleIds.has(event.chatId)) broadcast(page, event);
      });
      address = await listen(server, options);
    },
    async stop() {
      if (!address) return;
      address = undefined;
      unsubscribe?.();
      for (const stream of page.streams) stream.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Listens on the port asked for (or a free one, when allowed and it is taken); returns the page's address. */
async function listen(server: Server, options: SandboxWebServerOptions) {
  const host = options.host ?? '127.0.0.1';
  try {
    server.listen(options.port ?? 8080, host);
    await once(server, 'listening');
  } catch (error) {
    const taken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    if (!taken || !options.fallbackToFreePort) throw error;
    server.listen(0, host);
    await once(server, 'listening');
  }
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function broadcast(page: Page, event: PageEvent): void {
  const frame = `data: ${JSON.stringify(event)}\n\n`;
  for (const stream of page.streams) stream.write(frame);
}

function keepUpload(page: Page, fileId: string, bytes: Buffer, type: string): void {
  page.uploads.set(fileId, { bytes, type });
  for (const oldest of page.uploads.keys()) {
    if (page.uploads.size <= MAX_KEPT_UPLOADS) break;
    page.uploads.delete(oldest);
  }
}

function chatOf(page: Page, raw: string | undefined): number {
  const userId = Number(raw);
  if (!page.peopleIds.has(userId)) throw new HttpProblem(404, 'в песочнице нет такого чата');
  return userId;
}

type Handler = (
  page: Page,
  req: IncomingMessage,
  res: ServerResponse,
  match: RegExpExecArray,
) => Promise<void> | void;

function staticFile(page: Page, req: IncomingMessage, res: ServerResponse) {
  const name = new URL(req.url ?? '/', 'http://page').pathname;
  const file = STATIC_FILES[name];
  const content = page.staticContent.get(name);
  if (!file || !content) throw new HttpProblem(404, 'нет такого файла');
  send(res, 200, file.type, content);
}

/** A picture or a file a person sends from the page. */
async function sendUpload(page: Page, req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) {
  const { emulator } = page;
  const userId = chatOf(page, match[1]);
  const upload = await readUpload(req);
  const replyTo = withReply(upload.replyTo);
  const caption = upload.caption ? { caption: upload.caption } : {};
  let result: InjectResult;
  if (match[2] === 'photo') {
    // The emulator hands the bot a small picture of its own; the page shows the real one it was given.
    result = emulator.sendPhoto(userId, { ...caption, ...replyTo });
    const sent = emulator.messages(userId).find((m) => m.message_id === result.message_id);
    const fileId = sent?.photo?.at(-1)?.file_id;
    if (fileId) keepUpload(page, fileId, upload.bytes, upload.type);
  } else {
    result = emulator.sendDocument(userId, {
      file_name: upload.fileName,
      size: upload.bytes.length,
      ...(upload.type ? { mime_type: upload.type } : {}),
      ...caption,
      ...replyTo,
    });
  }
  sendJson(res, 200, result);
}

/** A file shown in a chat: a picture a person sent (kept here), or a file the bot sent (from the emulator). */
async function file(page: Page, _req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) {
  const fileId = decodeURIComponent(match[1] ?? '');
  const kept = page.uploads.get(fileId);
  if (kept) {
    send(res, 200, kept.type || 'application/octet-stream', kept.bytes);
    return;
  }
  const downloaded = await downloadFromEmulator(page.emulator, fileId);
  send(res, 200, downloaded.type, downloaded.bytes);
}

/** The live stream of the chats' events (Server-Sent Events), with a heartbeat that keeps it open. */
function events(page: Page, req: IncomingMessage, res: ServerResponse) {
  req.resume();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  page.streams.add(res);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  res.on('close', () => {
    clearInterval(heartbeat);
    page.streams.delete(res);
  });
}

/** «Начать заново»: fresh demo data; two clicks (or two tabs) share one reset. */
async function reset(page: Page, req: IncomingMessage, res: ServerResponse) {
  req.resume();
  page.resetting ??= (async () => {
    broadcast(page, { type: 'resetting' });
    try {
      page.uploads.clear();
      await page.options.reset();
    } finally {
      broadcast(page, { type: 'reset' });
      page.resetting = undefined;
    }
  })();
  await page.resetting;
  sendJson(res, 200, { ok: true });
}

const routes: Array<{ method: 'GET' | 'POST'; path: RegExp; handle: Handler }> = [
  {
    method: 'GET',
    path: /^\/$/,
    handle: ({ options }, _req, res) =>
      send(res, 200, 'text/html; charset=utf-8', renderPage(options.people, options.notes)),
  },
  { method: 'GET', path: /^\/(sandbox\.(js|css)|favicon\.(svg|ico))$/, handle: staticFile },
  {
    method: 'GET',
    path: /^\/api\/people$/,
    handle: ({ options }, _req, res) => sendJson(res, 200, options.people),
  },
  {
    method: 'GET',
    path: /^\/api\/chats\/(\d+)\/messages$/,
    handle: (page, _req, res, match) => sendJson(res, 200, page.emulator.messages(chatOf(page, match[1]))),
  },
  {
    method: 'POST',
    path: /^\/api\/chats\/(\d+)\/text$/,
    handle: async (page, req, res, match) => {
      const userId = chatOf(page, match[1]);
      const body = textBody.parse(await readJson(req));
      sendJson(res, 200, page.emulator.sendText(userId, body.text, withReply(body.replyTo)));
    },
  },
  {
    method: 'POST',
    path: /^\/api\/chats\/(\d+)\/button$/,
    handle: async (page, req, res, match) => {
      const userId = chatOf(page, match[1]);
      const body = buttonBody.parse(await readJson(req));
      sendJson(res, 200, page.emulator.pressButton(userId, body.messageId, body.data));
    },
  },
  {
    method: 'POST',
    path: /^\/api\/chats\/(\d+)\/reply-button$/,
    handle: async (page, req, res, match) => {
      const userId = chatOf(page, match[1]);
      const body = replyButtonBody.parse(await readJson(req));
      sendJson(res, 200, page.emulator.pressReplyButton(userId, body.text));
    },
  },
  { method: 'POST', path: /^\/api\/chats\/(\d+)\/(photo|document)$/, handle: sendUpload },
  { method: 'GET', path: /^\/api\/files\/([^/]+)$/, handle: file },
  { method: 'GET', path: /^\/api\/events$/, handle: events },
  { method: 'POST', path: /^\/api\/reset$/, handle: reset },
];

async function handleRequest(page: Page, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://page');
  try {
    const candidates = routes.filter((route) => route.path.test(pathname));
    const route = candidates.find((candidate) => candidate.method === req.method);
    const match = route?.path.exec(pathname);
    if (!route || !match) {
      req.resume();
      throw new HttpProblem(candidates.length > 0 ? 405 : 404, 'нет такой страницы');
    }
    await route.handle(page, req, res, match);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpProblem) sendJson(res, error.status, { error: error.message });
    else if (error instanceof ControlError) sendJson(res, error.status, { error: error.message });
    else if (error instanceof z.ZodError)
      sendJson(res, 400, { error: error.issues.map((issue) => issue.message).join('; ') });
    else {
      page.options.onError?.(error);
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withReply(replyTo: number | undefined): { replyTo?: number } {
  return replyTo === undefined ? {} : { replyTo };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpProblem(413, `файл больше ${Math.round(limit / 1024 / 1024)} МБ`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req, 64 * 1024)).toString('utf8');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new HttpProblem(400, 'тело запроса — не JSON');
  }
}

/** A file from the page: its bytes are the body; its name, caption and reply are in the query string. */
async function readUpload(req: IncomingMessage) {
  const query = new URL(req.url ?? '/', 'http://page').searchParams;
  const fileName = query.get('name')?.trim() || 'file';
  const replyTo = Number(query.get('reply_to'));
  return {
    bytes: await readBody(req, MAX_UPLOAD_BYTES),
    fileName,
    type: (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '',
    caption: query.get('caption')?.trim() || undefined,
    replyTo: Number.isSafeInteger(replyTo) && replyTo > 0 ? replyTo : undefined,
  };
}

/** A file the bot sent, fetched the way a bot would: getFile, then the file download route. */
async function downloadFromEmulator(emulator: Emulator, fileId: string) {
  const api = `${emulator.url}/bot${emulator.token}`;
  const info = (await (await fetch(`${api}/getFile?file_id=${encodeURIComponent(fileId)}`)).json()) as {
    ok: boolean;
    result?: { file_path?: string };
  };
  const filePath = info.ok ? info.result?.file_path : undefined;
  if (!filePath) throw new HttpProblem(404, 'файл не найден');
  const response = await fetch(`${emulator.url}/file/bot${emulator.token}/${filePath}`);
  if (!response.ok) throw new HttpProblem(404, 'файл не найден');
  return {
    type: response.headers.get('content-type') ?? 'application/octet-stream',
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}
