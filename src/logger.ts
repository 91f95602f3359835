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
  'params',
  'parameters',
  '*.params',
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
  const clean = (text: string) => (token ? text.replaceAll(token, '[bot-token]') : text);
  const error = (value: unknown) => serializeError(value, clean);
  const text = (value: unknown) => (typeof value === 'string' ? scrubMessage(clean(value)) : value);
  return pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      // Errors carry personal data in their messages and fields (a failed query's parameters, a Bot API
      // request's payload): only what says what failed is kept. Also for an Error passed on its own.
      serializers: {
        err: error,
        error,
        cause: error,
        reason: (value: unknown) => (value instanceof Error ? error(value) : text(value)),
        description: text,
      },
      hooks: {
        // The token can hide inside messages and URLs (grammY puts it in request URLs).
        logMethod(args, method) {
          const scrubbed = token ? args.map((arg) => (typeof arg === 'string' ? clean(arg) : arg)) : args;
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

const MAX_MESSAGE = 300;
const MAX_QUERY = 600;

/**
 * An error message or a Bot API description as it may be logged. A quoted fragment may be the data itself
 * (the value PostgreSQL could not take, the tag Telegram could not parse in a family's text), and drizzle
 * appends every parameter of a failed query after `params:`: both go.
 */
export function scrubMessage(message: string): string {
  const params = message.search(/\s*params: /);
  // drizzle's «Failed query: <statement> params: <values>»: the statement has $n placeholders and its
  // quoted names are tables and columns, so it stays; the values go.
  if (params >= 0 && message.startsWith('Failed query: ')) return cap(message.slice(0, params), MAX_QUERY);
  const text = (params >= 0 ? message.slice(0, params) : message)
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/«[^»]*»/g, '«…»')
    .replace(/\(([^()]*)\)=\(([^()]*)\)/g, '($1)=(…)');
  return cap(text, MAX_MESSAGE);
}

const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** Fields of an error that say what failed and never hold what was sent (see serializeError). */
const errorFacts = [
  'code',
  'errno',
  'syscall',
  'severity',
  'routine',
  'constraint_name',
  'table_name',
  'column_name',
  'schema_name',
  'method',
  'error_code',
] as const;

/**
 * What a log line keeps of an error: its class, code, SQL state and constraint (postgres.js), the query's
 * shape without parameters (drizzle, postgres.js), the Bot API method, error_code and description without
 * the request payload (grammY), the stack frames without the message line, and the cause, the same way.
 * Everything else an error carries (parameters, payload, PostgreSQL's DETAIL with the row's values, a
 * command's arguments) is dropped. A non-error thrown value is logged by its type only.
 */
export function serializeError(
  value: unknown,
  clean: (text: string) => string = (text) => text,
  depth = 0,
): Record<string, unknown> {
  if (!(value instanceof Error)) {
    return typeof value === 'number' || typeof value === 'boolean' || value == null
      ? { type: value === null ? 'null' : typeof value, value }
      : { type: typeof value };
  }
  const error = value as Error & Record<string, unknown>;
  const facts: Record<string, unknown> = {
    type: error.constructor?.name ?? 'Error',
    message: scrubMessage(clean(String(error.message))),
  };
  if (error.name && error.name !== facts.type) facts.name = error.name;
  for (const key of errorFacts) {
    const fact = error[key];
    if (typeof fact === 'string' || typeof fact === 'number') facts[key] = fact;
  }
  if (typeof error.query === 'string') facts.query = cap(clean(error.query), MAX_QUERY);
  if (typeof error.description === 'string') facts.description = scrubMessage(clean(error.description));
  const parameters = error.parameters as { retry_after?: unknown } | undefined;
  if (parameters && !Array.isArray(parameters) && typeof parameters.retry_after === 'number') {
    facts.retry_after = parameters.retry_after;
  }
  if (typeof error.stack === 'string') {
    facts.stack = clean(
      error.stack
        .split('\n')
        .filter((line) => line.startsWith('    at '))
        .join('\n'),
    );
  }
  // grammY's HttpError keeps what went wrong under `error`; everything else under `cause`.
  const cause = error.cause ?? (error.constructor?.name === 'HttpError' ? error.error : undefined);
  if (cause !== undefined && depth < 3) facts.cause = serializeError(cause, clean, depth + 1);
  if (value instanceof AggregateError && depth < 3) {
    facts.errors = value.errors.slice(0, 3).map((inner) => serializeError(inner, clean, depth + 1));
  }
  return facts;
}

export type Logger = pino.Logger;
