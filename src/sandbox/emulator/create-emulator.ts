/** The emulator itself: wires the pieces together and serves the Bot API, file downloads and control API. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update, User, UserFromGetMe, WebhookInfo } from 'grammy/types';
import { BotApi, DescribedResult } from './bot-api.js';
import { handleControlRequest } from './control-http.js';
import { ControlError, TelegramApiError } from './errors.js';
import { readApiPayload, writeJson } from './http-io.js';
import { ApiParams } from './params.js';
import { SendLimiter } from './send-limiter.js';
import type {
  CallbackAnswer,
  CommandSet,
  ContactInput,
  DocumentInput,
  Emulator,
  EmulatorOptions,
  EmulatorStats,
  EventListener,
  InjectResult,
  LocationInput,
  MessageSender,
  NewUser,
  PhotoInput,
  RateLimits,
  RawUpdate,
  ReplyOption,
  StickerInput,
  StoredMessage,
  VideoInput,
  VideoNoteInput,
  VoiceInput,
  WaitForEditOptions,
  WaitForMessageOptions,
} from './types.js';
import { UpdateHub } from './update-hub.js';
import { UserActions } from './user-actions.js';
import { World } from './world.js';

export function createEmulator(options: EmulatorOptions): Emulator {
  return new BotApiEmulator(options);
}

class BotApiEmulator implements Emulator {
  readonly token: string;
  private readonly world: World;
  private readonly updates: UpdateHub;
  private readonly limiter: SendLimiter;
  private readonly api: BotApi;
  private readonly actions: UserActions;
  private readonly server: Server;
  private readonly closeStreams = new Set<() => void>();
  /** Chats whose calls are answered late (answerLate), and how late, in ms. */
  private readonly lateChats = new Map<number, number>();
  private address: string | undefined;

  constructor(private readonly options: EmulatorOptions) {
    if (!options.token) throw new Error('createEmulator: token is required');
    this.token = options.token;
    const botId = options.botId ?? (Number(options.token.split(':')[0]) || 1_000_000);
    this.world = new World({
      id: botId,
      username: options.botUsername ?? 'emulator_bot',
      firstName: options.botFirstName ?? 'Emulated Bot',
    });
    this.limiter = new SendLimiter(options.limits ?? false);
    this.updates = new UpdateHub(
      options.webhookGiveUpMs ?? 30_000,
      async (method, fields) => {
        await this.api.call(method, new ApiParams({ fields, files: new Map() }));
      },
      options.firstUpdateId ?? 1,
      options.onWebhookAnswered,
    );
    this.api = new BotApi(this.world, this.updates, this.limiter);
    this.actions = new UserActions(this.world, this.updates);
    this.server = createServer((req, res) => {
      void this.handleRequest(req, res);
    });
    // Like Telegram, keep idle connections open long: with Node's 5 s default, a bot's keep-alive client
    // sometimes reuses a socket just as the server closes it (ECONNRESET → "telegram unreachable").
    this.server.keepAliveTimeout = 65_000;
  }

  get url(): string {
    if (!this.address) throw new Error('the emulator is not started');
    return this.address;
  }

  get apiRoot(): string {
    return this.url;
  }

  get bot(): UserFromGetMe {
    return structuredClone(this.world.bot);
  }

  async start(): Promise<void> {
    if (this.address) return;
    const host = this.options.host ?? '127.0.0.1';
    this.server.listen(this.options.port ?? 0, host);
    await once(this.server, 'listening');
    this.updates.reopen();
    const { port } = this.server.address() as AddressInfo;
    this.address = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.address) return;
    this.address = undefined;
    this.updates.close();
    this.world.cancelWaits(new ControlError('the emulator was stopped', 503));
    for (const close of [...this.closeStreams]) close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // --- control, in process ---

  createUser(user: NewUser & { phone_number?: string }): User {
    const { phone_number: phoneNumber, ...fields } = user;
    const created = this.world.createUser(fields);
    if (phoneNumber) this.actions.setPhoneNumber(created.id, phoneNumber);
    return created;
  }

  users(): User[] {
    return this.world.listUsers();
  }

  sendText(userId: number, text: string, options?: ReplyOption): InjectResult {
    return this.actions.sendText(userId, text, options);
  }

  sendContact(userId: number, contact: ContactInput): InjectResult {
    return this.actions.sendContact(userId, contact);
  }

  sendPhoto(userId: number, photo?: PhotoInput): InjectResult {
    return this.actions.sendPhoto(userId, photo);
  }

  sendDocument(userId: number, document: DocumentInput): InjectResult {
    return this.actions.sendDocument(userId, document);
  }

  sendSticker(userId: number, sticker?: StickerInput): InjectResult {
    return this.actions.sendSticker(userId, sticker);
  }

  sendVoice(userId: number, voice?: VoiceInput): InjectResult {
    return this.actions.sendVoice(userId, voice);
  }

  sendVideo(userId: number, video?: VideoInput): InjectResult {
    return this.actions.sendVideo(userId, video);
  }

  sendVideoNote(userId: number, videoNote?: VideoNoteInput): InjectResult {
    return this.actions.sendVideoNote(userId, videoNote);
  }

  sendLocation(userId: number, location: LocationInput): InjectResult {
    return this.actions.sendLocation(userId, location);
  }

  editText(userId: number, messageId: number, newText: string): InjectResult {
    return this.actions.editText(userId, messageId, newText);
  }

  pressButton(userId: number, messageId: number, callbackData: string): InjectResult {
    return this.actions.pressButton(userId, messageId, callbackData);
  }

  pressButtonByText(userId: number, messageId: number | undefined, buttonText: string): InjectResult {
    return this.actions.pressButtonByText(userId, messageId, buttonText);
  }

  pressReplyButton(userId: number, text: string): InjectResult {
    return this.actions.pressReplyButton(userId, text);
  }

  injectUpdate(update: RawUpdate): InjectResult {
    return this.actions.injectUpdate(update);
  }

  injectedUpdates(): Update[] {
    return this.updates.injectedUpdates();
  }

  messages(chatId: number, options: { from?: MessageSender } = {}): StoredMessage[] {
    return this.world.messages(chatId, options.from);
  }

  async waitForMessage(
    chatId: number,
    predicate?: (message: StoredMessage) => boolean,
    timeoutMs = 5000,
    options: WaitForMessageOptions = {},
  ): Promise<StoredMessage> {
    return await this.world.waitForBotMessage(chatId, predicate, timeoutMs, options);
  }

  async waitForEdit(
    chatId: number,
    messageId: number,
    timeoutMs = 5000,
    options: WaitForEditOptions = {},
  ): Promise<StoredMessage> {
    return await this.world.waitForEdit(chatId, messageId, timeoutMs, options);
  }

  callbackAnswers(): CallbackAnswer[] {
    return structuredClone(this.world.callbackAnswers);
  }

  setBlocked(userId: number, blocked: boolean): { update_id?: number } {
    return this.actions.setBlocked(userId, blocked);
  }

  answerLate(chatId: number, ms: number): void {
    if (ms > 0) this.lateChats.set(chatId, ms);
    else this.lateChats.delete(chatId);
  }

  setLimits(limits: RateLimits | false): void {
    if (limits !== false) {
      const valid = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0;
      const optional = (value: unknown): boolean => value === undefined || valid(value);
      if (
        !valid(limits.global) ||
        !valid(limits.perChat) ||
        !optional(limits.perChatBurst) ||
        !optional(limits.perGroupPerMinute)
      ) {
        throw new ControlError(
          'limits need positive integers "global" and "perChat" (and optionally "perChatBurst", "perGroupPerMinute"), or false',
        );
      }
    }
    this.limiter.setLimits(
      limits === false
        ? false
        : {
            global: limits.global,
            perChat: limits.perChat,
            ...(limits.perChatBurst !== undefined ? { perChatBurst: limits.perChatBurst } : {}),
            ...(limits.perGroupPerMinute !== undefined
              ? { perGroupPerMinute: limits.perGroupPerMinute }
              : {}),
          },
    );
  }

  advanceClock(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new ControlError('the clock only moves forward');
    this.world.clockOffsetMs += ms;
    return this.world.clockOffsetMs;
  }

  limits(): RateLimits | false {
    return this.limiter.getLimits();
  }

  stats(): EmulatorStats {
    return { ...this.limiter.stats(), apiCalls: this.api.apiCallStats(), ...this.updates.stats() };
  }

  reset(): void {
    this.world.reset();
    this.updates.reset();
    this.actions.reset();
    this.limiter.reset();
    this.lateChats.clear();
    this.limiter.setLimits(this.options.limits ?? false);
    this.api.resetStats();
  }

  webhookInfo(): WebhookInfo {
    return this.updates.webhookInfo();
  }

  commands(): CommandSet[] {
    return structuredClone([...this.world.commands.values()]);
  }

  onEvent(listener: EventListener): () => void {
    return this.world.onEvent(listener);
  }

  // --- HTTP ---

  /** Keeps an open stream (SSE) to be closed when the emulator stops. */
  trackStream(close: () => void): () => void {
    this.closeStreams.add(close);
    return () => this.closeStreams.delete(close);
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    try {
      if (url.pathname === '/control' || url.pathname.startsWith('/control/')) {
        await handleControlRequest(this, req, res, url);
        return;
      }
      const apiCall = /^\/bot([^/]+)\/([^/]*)\/?$/.exec(url.pathname);
      if (apiCall) {
        await this.handleApiCall(req, res, url, decodeURIComponent(apiCall[1] ?? ''), apiCall[2] ?? '');
        return;
      }
      const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (download && (req.method === 'GET' || req.method === 'HEAD')) {
        this.handleDownload(
          res,
          decodeURIComponent(download[1] ?? ''),
          decodeURIComponent(download[2] ?? ''),
        );
        return;
      }
      writeJson(res, 404, new TelegramApiError(404, 'Not Found').toResponse());
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof TelegramApiError) writeJson(res, error.errorCode, error.toResponse());
      else if (error instanceof ControlError) writeJson(res, error.status, { error: error.message });
      else {
        const description = `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`;
        writeJson(res, 500, { ok: false, error_code: 500, description });
      }
    }
  }

  private async handleApiCall(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    token: string,
    method: string,
  ): Promise<void> {
    if (!this.acceptsToken(token)) {
      req.resume();
      throw new TelegramApiError(401, 'Unauthorized');
    }
    const payload = await readApiPayload(req, url.searchParams);
    const callerGone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) callerGone.abort();
    });
    const lateMs = this.lateChats.get(Number(payload.fields.chat_id));
    if (lateMs !== undefined) await new Promise((resolve) => setTimeout(resolve, lateMs));
    if (callerGone.signal.aborted) return;
    const result = await this.api.call(method, new ApiParams(payload), { signal: callerGone.signal });
    if (callerGone.signal.aborted) return;
    if (result instanceof DescribedResult) {
      writeJson(res, 200, { ok: true, result: result.result, description: result.description });
    } else {
      writeJson(res, 200, { ok: true, result });
    }
  }

  private acceptsToken(token: string): boolean {
    return token === this.token || (this.options.acceptAnyToken === true && token !== '');
  }

  private handleDownload(res: ServerResponse, token: string, filePath: string): void {
    const file = this.acceptsToken(token) ? this.world.files.getByPath(filePath) : undefined;
    if (!file) {
      writeJson(res, 404, new TelegramApiError(404, 'Not Found').toResponse());
      return;
    }
    res.writeHead(200, {
      'content-type': file.mimeType ?? 'application/octet-stream',
      'content-length': file.bytes.length,
    });
    res.end(file.bytes);
  }
}
