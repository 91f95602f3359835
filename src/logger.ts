import { pino } from 'pino';

/**
 * Paths that may carry personal data or secrets. Logs must never hold names, phones, message texts or the
 * bot token (SPEC §8), so these are censored wherever they appear in a logged object.
 */
export const redactedPaths = [
  'token',
  'botToken',
  'config.botToken',
  'config.webhook.secret',
  'secret',
  'password',
  'phone',
  'phone_number',
  'fullName',
  'full_name',
  'first_name',
  'last_name',
  'username',
  'address',
  'text',
  'caption',
  'contact',
  'update',
  'payload.text',
  '*.phone',
  '*.phone_number',
  '*.fullName',
  '*.first_name',
  '*.last_name',
  '*.username',
  '*.address',
  '*.text',
  '*.caption',
  '*.contact',
  'headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
];

export function createLogger(options: {
  level: string;
  botToken?: string;
  destination?: pino.DestinationStream;
}) {
  const token = options.botToken;
  return pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // The token can hide inside error messages and URLs (grammY puts it in request URLs).
        logMethod(args, method) {
          const scrubbed = token ? args.map((arg) => scrubToken(arg, token)) : args;
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

function scrubToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.replaceAll(token, '[bot-token]');
  if (value instanceof Error) {
    const copy = new Error(value.message.replaceAll(token, '[bot-token]'));
    copy.name = value.name;
    if (value.stack) copy.stack = value.stack.replaceAll(token, '[bot-token]');
    return copy;
  }
  if (value && typeof value === 'object' && 'err' in value && value.err instanceof Error) {
    return { ...value, err: scrubToken(value.err, token) };
  }
  return value;
}

export type Logger = pino.Logger;
