import { z } from 'zod';
import { type DeadlinePolicies, loadDeadlinePolicies } from './deadline-policies.js';
import { isTimeZone } from './time.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const urlWithProtocols = (protocols: string[]) =>
  z.string().superRefine((value, ctx) => {
    if (!URL.canParse(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      });
    } else if (!protocols.includes(new URL(value).protocol)) {
      ctx.addIssue({
        code: 'custom',
        message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      });
    }
  });

/** Shown at once to a family asking for a psychologist «прямо сейчас»; lines separated by `|`. */
export const DEFAULT_CRISIS_CONTACTS =
  '112 — экстренные службы, если есть угроза жизни|8-800-2000-122 — телефон доверия для детей, подростков и родителей (бесплатно, круглосуточно)';

/** A video consultation's link: `{token}` becomes the booking's own unguessable code. */
export const DEFAULT_PSY_VIDEO_LINK_TEMPLATE = 'https://meet.jit.si/patronazh-{token}';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/patronazh';

const databaseUrlSchema = z.preprocess(
  emptyAsUndefined,
  urlWithProtocols(['postgres:', 'postgresql:']).default(DEFAULT_DATABASE_URL),
);

const envSchema = z
  .object({
    BOT_TOKEN: z
      .string({ error: 'is required (the token @BotFather gave you, like 123456:ABC-DEF…)' })
      .min(1, { error: 'is empty (the token @BotFather gave you, like 123456:ABC-DEF…)' })
      .regex(/^\d+:[A-Za-z0-9_-]{10,}$/, {
        error: 'does not look like a bot token (digits, a colon, then the secret)',
      }),
    TELEGRAM_API_ROOT: z.preprocess(
      emptyAsUndefined,
      urlWithProtocols(['http:', 'https:']).default('https://api.telegram.org'),
    ),
    BOT_USERNAME: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, { error: 'must be the bot username without @' })
        .optional(),
    ),
    DATABASE_URL: databaseUrlSchema,
    REDIS_URL: z.preprocess(
      emptyAsUndefined,
      urlWithProtocols(['redis:', 'rediss:']).default('redis://127.0.0.1:6379/0'),
    ),
    REDIS_PREFIX: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'must be 1 to 40 of A-Z, a-z, 0-9, _ and -' })
        .default('patronazh'),
    ),
    WEBHOOK_URL: z.preprocess(emptyAsUndefined, urlWithProtocols(['http:', 'https:']).optional()),
    WEBHOOK_SECRET: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, {
          error: 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram’s rule for secret_token)',
        })
        .optional(),
    ),
    TZ_REGION: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .refine(isTimeZone, { error: 'is not a known IANA time zone (for example Europe/Moscow)' })
        .default('Europe/Moscow'),
    ),
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(logLevels).default('info')),
    HTTP_HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
    HTTP_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    WEB_HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
    WEB_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3001)),
    WEB_PUBLIC_URL: z.preprocess(
      emptyAsUndefined,
      urlWithProtocols(['http:', 'https:']).default('http://localhost:3001'),
    ),
    WEB_ADMINS: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, { error: 'must be Telegram ids separated by commas' })
        .optional(),
    ),
    WEB_TELEGRAM_LOGIN: z.preprocess(emptyAsUndefined, z.enum(['on', 'off']).default('off')),
    SHUTDOWN_TIMEOUT_MS: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int().min(1000).max(120_000).default(10_000),
    ),
    INVITE_TTL_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(720).default(48)),
    FLOOD_LIMIT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(100_000).default(30)),
    FLOOD_WINDOW_SECONDS: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int().min(1).max(3600).default(10),
    ),
    TELEGRAM_SEND_LIMITS: z.preprocess(emptyAsUndefined, z.enum(['telegram', 'off']).default('telegram')),
    ALLOW_PAID_BROADCAST: z.preprocess(
      emptyAsUndefined,
      z
        .enum(['true', 'false'], { error: 'must be true or false' })
        .default('false')
        .transform((value) => value === 'true'),
    ),
    HOTLINE_PHONE: z.preprocess(emptyAsUndefined, z.string().max(64).default('122')),
    CRISIS_CONTACTS: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .max(1000)
        .refine((value) => value.includes('112'), {
          error: 'must name 112 (the emergency number) among the crisis contacts',
        })
        .default(DEFAULT_CRISIS_CONTACTS),
    ),
    DEADLINE_POLICIES_FILE: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .optional()
        .transform((path, ctx) => {
          const loaded = loadDeadlinePolicies(path);
          if (loaded.ok) return loaded.policies;
          for (const problem of loaded.problems) ctx.addIssue({ code: 'custom', message: problem });
          return z.NEVER;
        }),
    ),
    PSY_VIDEO_LINK_TEMPLATE: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .max(500)
        .refine((value) => value.includes('{token}') && URL.canParse(value.replace('{token}', 'x')), {
          error: "must be an https:// link containing {token} (replaced by each booking's own code)",
        })
        .default(DEFAULT_PSY_VIDEO_LINK_TEMPLATE),
    ),
    DIALOGUE_IDLE_HOURS: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().positive({ error: 'must be a positive number of hours' }).max(720).default(24),
    ),
    DIALOGUE_DRAFT_DAYS: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().positive({ error: 'must be a positive number of days' }).max(365).default(3),
    ),
    CHECK_IN_EVERY_WEEKS: z.preprocess(
      emptyAsUndefined,
      z.coerce.number().int({ error: 'must be a whole number of weeks' }).min(1).max(26).default(4),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET'],
        message:
          'is required when WEBHOOK_URL is set (Telegram sends it back so we can refuse forged updates)',
      });
    }
  });

export type Env = z.input<typeof envSchema>;

export interface Config {
  botToken: string;
  telegramApiRoot: string;
  botUsername: string | undefined;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and BullMQ queue, so several deployments (or test runs) share one Redis. */
  redisPrefix: string;
  webhook: { url: string; secret: string } | undefined;
  timeZone: string;
  logLevel: (typeof logLevels)[number];
  http: { host: string; port: number };
  shutdownTimeoutMs: number;
  /**
   * The monitoring site (`--role=web`): where it listens, the address its sign-in links start with (https
   * makes its cookie Secure), and the Telegram ids of the admins who may open its Operations page.
   */
  web: {
    host: string;
    port: number;
    publicUrl: string;
    adminTelegramIds: number[];
    /** The Telegram Login Widget on the sign-in page as a second way in (needs a domain set at @BotFather). */
    telegramLogin: boolean;
  };
  inviteTtlHours: number;
  /** Updates one person may send per window before the excess is answered and not handled (0: no limit). */
  flood: { limit: number; windowMs: number };
  /**
   * `off`: sends are not paced to Telegram's flood limits (still one at a time per chat), for a Bot API that
   * has none (the emulator with its limits off, the benchmarks).
   */
  sendLimits: 'telegram' | 'off';
  /**
   * Announcements are sent with Telegram's `allow_paid_broadcast` (the bot pays in Stars to go past 30
   * messages/s). Off by default; the send budget (send-slots.ts) still paces them unless it is raised too.
   */
  allowPaidBroadcast: boolean;
  hotlinePhone: string;
  /** Crisis contacts, one per line, shown at once on the crisis path (psychologist, «прямо сейчас»). */
  crisisContacts: string[];
  /** The link of a video consultation, `{token}` replaced by the booking's code (PSY_VIDEO_LINK_TEMPLATE). */
  psyVideoLinkTemplate: string;
  /** A dialogue nobody answered for this long is closed with a message (fractions allowed, for tests). */
  dialogueIdleHours: number;
  /** A dialogue's stored answers nobody touched this long are erased (bot/dialogue/drafts.ts). */
  dialogueDraftDays: number;
  /** Take/resolve windows per category (DEADLINE_POLICIES_FILE, or the SPEC §5 defaults). */
  deadlinePolicies: DeadlinePolicies;
  /** «Как у вас дела?» goes to every family once in this many weeks (4: about monthly). */
  checkInEveryWeeks: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into the service configuration. Pure but for one read: the deadline policy file
 * named by DEADLINE_POLICIES_FILE (or the default one), so a bad file stops the start like a bad variable.
 */
export function createConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw toConfigError(parsed.error);
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    botUsername: e.BOT_USERNAME,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    webhook: e.WEBHOOK_URL && e.WEBHOOK_SECRET ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } : undefined,
    timeZone: e.TZ_REGION,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    web: {
      host: e.WEB_HOST,
      port: e.WEB_PORT,
      publicUrl: e.WEB_PUBLIC_URL.replace(/\/+$/, ''),
      adminTelegramIds: (e.WEB_ADMINS ?? '').split(',').flatMap((id) => (id.trim() ? [Number(id)] : [])),
      telegramLogin: e.WEB_TELEGRAM_LOGIN === 'on',
    },
    inviteTtlHours: e.INVITE_TTL_HOURS,
    flood: { limit: e.FLOOD_LIMIT, windowMs: e.FLOOD_WINDOW_SECONDS * 1000 },
    sendLimits: e.TELEGRAM_SEND_LIMITS,
    allowPaidBroadcast: e.ALLOW_PAID_BROADCAST,
    hotlinePhone: e.HOTLINE_PHONE,
    crisisContacts: e.CRISIS_CONTACTS.split('|')
      .map((line) => line.trim())
      .filter(Boolean),
    psyVideoLinkTemplate: e.PSY_VIDEO_LINK_TEMPLATE,
    dialogueIdleHours: e.DIALOGUE_IDLE_HOURS,
    dialogueDraftDays: e.DIALOGUE_DRAFT_DAYS,
    deadlinePolicies: e.DEADLINE_POLICIES_FILE,
    checkInEveryWeeks: e.CHECK_IN_EVERY_WEEKS,
  };
}

function toConfigError(error: z.ZodError): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
  );
}

/** Only the database URL, for tools that need nothing else (migrations, most admin commands). */
export function createDatabaseConfig(env: Record<string, string | undefined>): { databaseUrl: string } {
  const parsed = z.object({ DATABASE_URL: databaseUrlSchema }).safeParse(env);
  if (!parsed.success) throw toConfigError(parsed.error);
  return { databaseUrl: parsed.data.DATABASE_URL };
}

/** Reads `.env` from the working directory when present; variables already set win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/** For entry points: parse or exit 1 with a message naming each bad variable, no stack trace. */
export function loadConfigOrExit<T = Config>(
  env: Record<string, string | undefined> = process.env,
  parse: (env: Record<string, string | undefined>) => T = createConfig as (
    env: Record<string, string | undefined>,
  ) => T,
): T {
  try {
    return parse(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable and its meaning.\n`);
      process.exit(1);
    }
    throw error;
  }
}
