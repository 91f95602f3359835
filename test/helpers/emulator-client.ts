/**
 * A typed client of the Bot API emulator's HTTP control API (`/control/...`), for tests whose emulator or
 * bot runs in another process. Mirrors the in-process methods of `createEmulator()`.
 */
import type {
  CallbackAnswer,
  CommandSet,
  EmulatorEvent,
  EmulatorStats,
  InjectResult,
  MessageSender,
  NewUser,
  RateLimits,
  RawUpdate,
  StoredMessage,
  Update,
  User,
  WebhookInfo,
} from '../../src/sandbox/emulator.js';

/** A control request the emulator refused; `status` is 408 when a wait timed out. */
export class EmulatorClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorClientError';
  }
}

export interface UserMessageOptions {
  /** Id of the message the user replies to. */
  reply_to?: number;
}

export class EmulatorClient {
  /** @param baseUrl the emulator's url, e.g. `http://127.0.0.1:8081` */
  constructor(readonly baseUrl: string) {}

  // --- users ---

  createUser(user: NewUser & { phone_number?: string }): Promise<User> {
    return this.post('/control/users', user);
  }

  users(): Promise<User[]> {
    return this.get('/control/users');
  }

  setBlocked(userId: number, blocked: boolean): Promise<{ update_id?: number }> {
    return this.post(`/control/users/${userId}/block`, { blocked });
  }

  // --- what users do ---

  sendText(userId: number, text: string, options: UserMessageOptions = {}): Promise<InjectResult> {
    return this.inject('text', { user_id: userId, text, ...options });
  }

  sendContact(
    userId: number,
    contact: {
      phone_number: string;
      contact_user_id?: number;
      first_name?: string;
      last_name?: string;
    } & UserMessageOptions,
  ): Promise<InjectResult> {
    return this.inject('contact', { user_id: userId, ...contact });
  }

  sendPhoto(
    userId: number,
    photo: { caption?: string; media_group_id?: string } & UserMessageOptions = {},
  ): Promise<InjectResult> {
    return this.inject('photo', { user_id: userId, ...photo });
  }

  sendDocument(
    userId: number,
    document: {
      file_name: string;
      mime_type?: string;
      size?: number;
      content?: string;
      caption?: string;
      media_group_id?: string;
    } & UserMessageOptions,
  ): Promise<InjectResult> {
    return this.inject('document', { user_id: userId, ...document });
  }

  sendSticker(userId: number, sticker: { emoji?: string } & UserMessageOptions = {}): Promise<InjectResult> {
    return this.inject('sticker', { user_id: userId, ...sticker });
  }

  sendVoice(
    userId: number,
    voice: { duration?: number; caption?: string } & UserMessageOptions = {},
  ): Promise<InjectResult> {
    return this.inject('voice', { user_id: userId, ...voice });
  }

  sendVideo(
    userId: number,
    video: { duration?: number; caption?: string; media_group_id?: string } & UserMessageOptions = {},
  ): Promise<InjectResult> {
    return this.inject('video', { user_id: userId, ...video });
  }

  sendVideoNote(
    userId: number,
    videoNote: { duration?: number } & UserMessageOptions = {},
  ): Promise<InjectResult> {
    return this.inject('video_note', { user_id: userId, ...videoNote });
  }

  sendLocation(
    userId: number,
    location: { latitude: number; longitude: number } & UserMessageOptions,
  ): Promise<InjectResult> {
    return this.inject('location', { user_id: userId, ...location });
  }

  editText(userId: number, messageId: number, text: string): Promise<InjectResult> {
    return this.inject('edit', { user_id: userId, message_id: messageId, text });
  }

  pressButton(userId: number, messageId: number, data: string): Promise<InjectResult> {
    return this.inject('callback', { user_id: userId, message_id: messageId, data });
  }

  /** Presses the button with this text on the message, or on the latest bot message with buttons. */
  pressButtonByText(userId: number, messageId: number | undefined, text: string): Promise<InjectResult> {
    return this.inject('callback_by_text', {
      user_id: userId,
      text,
      ...(messageId !== undefined ? { message_id: messageId } : {}),
    });
  }

  pressReplyButton(userId: number, text: string): Promise<InjectResult> {
    return this.inject('reply_button', { user_id: userId, text });
  }

  /** Injects an update as is; a given update_id is kept. */
  injectUpdate(update: RawUpdate): Promise<InjectResult> {
    return this.inject('raw', { update });
  }

  injectedUpdates(): Promise<Update[]> {
    return this.get('/control/updates');
  }

  // --- what the bot did ---

  messages(chatId: number, options: { from?: MessageSender } = {}): Promise<StoredMessage[]> {
    const query = options.from ? `?from=${options.from}` : '';
    return this.get(`/control/chats/${chatId}/messages${query}`);
  }

  /**
   * The bot's next message in the chat: the first with an id above `afterMessageId`, or, without it, the
   * first after the one an earlier wait returned. Rejects with status 408 after `timeoutMs`.
   */
  waitForMessage(
    chatId: number,
    options: { afterMessageId?: number; timeoutMs?: number } = {},
  ): Promise<StoredMessage> {
    const query = new URLSearchParams({ timeout_ms: String(options.timeoutMs ?? 5000) });
    if (options.afterMessageId !== undefined) query.set('after_message_id', String(options.afterMessageId));
    return this.get(`/control/chats/${chatId}/wait?${query}`);
  }

  /** The message once it has more than `afterVersion` previous versions (default: the count at call time). */
  waitForEdit(
    chatId: number,
    messageId: number,
    options: { afterVersion?: number; timeoutMs?: number } = {},
  ): Promise<StoredMessage> {
    const query = new URLSearchParams({ timeout_ms: String(options.timeoutMs ?? 5000) });
    if (options.afterVersion !== undefined) query.set('after_version', String(options.afterVersion));
    return this.get(`/control/chats/${chatId}/messages/${messageId}/wait-edit?${query}`);
  }

  callbackAnswers(): Promise<CallbackAnswer[]> {
    return this.get('/control/callback-answers');
  }

  commands(): Promise<CommandSet[]> {
    return this.get('/control/commands');
  }

  webhookInfo(): Promise<WebhookInfo> {
    return this.get('/control/webhook');
  }

  // --- the emulator ---

  setLimits(limits: RateLimits | false): Promise<RateLimits | false> {
    return this.post('/control/limits', limits);
  }

  limits(): Promise<RateLimits | false> {
    return this.get('/control/limits');
  }

  stats(): Promise<EmulatorStats> {
    return this.get('/control/stats');
  }

  async reset(): Promise<void> {
    await this.post('/control/reset', {});
  }

  /**
   * Follows the live event stream until `signal` aborts; calls `onEvent` for each event.
   * Resolves when the stream ends.
   */
  async followEvents(onEvent: (event: EmulatorEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await fetch(`${this.baseUrl}/control/events`, { signal });
    if (!response.ok || !response.body)
      throw new EmulatorClientError(response.status, 'cannot open the event stream');
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk, { stream: true });
        let boundary = buffered.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffered.slice(0, boundary);
          buffered = buffered.slice(boundary + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data) onEvent(JSON.parse(data) as EmulatorEvent);
          boundary = buffered.indexOf('\n\n');
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  // --- transport ---

  private inject(kind: string, body: Record<string, unknown>): Promise<InjectResult> {
    return this.post(`/control/updates/${kind}`, body);
  }

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const reason =
        typeof parsed === 'object' && parsed !== null && 'error' in parsed ? String(parsed.error) : text;
      throw new EmulatorClientError(response.status, `${method} ${path} → ${response.status}: ${reason}`);
    }
    return parsed as T;
  }
}
