import type { ResponseParameters } from 'grammy/types';

/** An error the emulated Bot API answers with, in Telegram's own wording and status codes. */
export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'TelegramApiError';
  }

  toResponse(): { ok: false; error_code: number; description: string; parameters?: ResponseParameters } {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

export const badRequest = (reason: string): TelegramApiError =>
  new TelegramApiError(400, `Bad Request: ${reason}`);

export const forbidden = (reason: string): TelegramApiError =>
  new TelegramApiError(403, `Forbidden: ${reason}`);

/** A misuse of the control API (unknown user, malformed body...); reported with an HTTP status. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
