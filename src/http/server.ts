import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotError } from 'grammy';
import type { Update } from 'grammy/types';
import { UpdateInProgressError } from '../bot/middlewares/deduplicate-updates.js';
import type { Logger } from '../logger.js';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface WebhookTarget {
  path: string;
  secret: string;
  handleUpdate(update: Update): Promise<void>;
}

const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * The request's body, or 'too_large' as soon as it passes `limit` (the rest is read and dropped, so the
 * answer still reaches the caller). By events, as grammY's own adapter reads it: an async iterator over the
 * request cost every webhook call a few promises and listeners more (~0.1 ms of CPU per update).
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      resolve('too_large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function isUpdate(value: unknown): value is Update {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Number.isSafeInteger((value as { update_id?: unknown }).update_id)
  );
}

/** Every check, each given 2 s: 200 when all answer, 503 naming the ones that do not. */
async function health(healthChecks: HealthCheck[], res: ServerResponse) {
  const results = await Promise.all(
    healthChecks.map(async ({ name, check }) => {
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref()),
        ]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `down: ${error instanceof Error ? error.message : String(error)}`] as const;
      }
    }),
  );
  const healthy = results.every(([, state]) => state === 'ok');
  send(res, healthy ? 200 : 503, {
    status: healthy ? 'ok' : 'unavailable',
    checks: Object.fromEntries(results),
  });
}

/** The error a middleware threw, out of grammY's BotError around it. */
const causeOf = (error: unknown) => (error instanceof BotError ? error.error : error);

/** One update from Telegram: checked (secret, size, shape) and handed to the bot; a 500 has it sent again. */
async function telegramWebhook(
  logger: Logger,
  target: WebhookTarget,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
  if (req.headers['x-telegram-bot-api-secret-token'] !== target.secret) {
    logger.warn('webhook call without the right secret refused');
    return send(res, 401, { error: 'unauthorized' });
  }
  const body = await readBody(req, MAX_WEBHOOK_BODY_BYTES);
  if (body === 'too_large') return send(res, 413, { error: 'body too large' });
  let update: unknown;
  try {
    update = JSON.parse(body.toString('utf8'));
  } catch {
    logger.warn('malformed webhook body refused');
    return send(res, 400, { error: 'body is not JSON' });
  }
  if (!isUpdate(update)) {
    logger.warn('webhook body without update_id refused');
    return send(res, 400, { error: 'body is not a Telegram update' });
  }
  try {
    await target.handleUpdate(update);
    send(res, 200, { ok: true });
  } catch (error) {
    // A 500 makes Telegram deliver the update again later instead of it being lost.
    if (causeOf(error) instanceof UpdateInProgressError) {
      // Another delivery of it is being handled (or its process died): handled or skipped when sent again.
      logger.warn({ updateId: update.update_id }, 'webhook update in progress elsewhere, refused for now');
    } else logger.error({ err: error, updateId: update.update_id }, 'webhook update failed');
    send(res, 500, { error: 'update failed' });
  }
}

/**
 * The process's HTTP face: `/healthz` for orchestrators, and the Telegram webhook when the bot role runs
 * in webhook mode. Extra routes (metrics, the sandbox) can be added by later roles through `routes`.
 */
export function createHttpServer(options: {
  logger: Logger;
  healthChecks: HealthCheck[];
  webhook?: WebhookTarget;
  routes?: Map<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
}) {
  const { logger, healthChecks, webhook } = options;

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handle = async () => {
      if (path === '/healthz') return health(healthChecks, res);
      if (webhook && path === webhook.path) return telegramWebhook(logger, webhook, req, res);
      const route = options.routes?.get(path);
      if (route) return route(req, res);
      send(res, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      logger.error({ err: error, path }, 'http handler failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    async listen(port: number, host: string): Promise<number> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    },
    async close(): Promise<void> {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

export type HttpServer = ReturnType<typeof createHttpServer>;
