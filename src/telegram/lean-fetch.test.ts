import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, InputFile } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeanFetch } from './lean-fetch.js';

type Fetch = typeof globalThis.fetch;

let server: Server;
let apiRoot: string;
const sockets = new Set<unknown>();
const seen: { method: string; contentType: string; body: string }[] = [];

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
  });

beforeAll(async () => {
  server = createServer(async (request, response) => {
    sockets.add(request.socket);
    const method = request.url!.slice(request.url!.lastIndexOf('/') + 1);
    const body = await readBody(request);
    seen.push({ method, contentType: String(request.headers['content-type']), body });
    if (method === 'slow') return; // never answers: the caller's abort ends it
    response.setHeader('content-type', 'application/json');
    if (method === 'sendMessage' && body.includes('flood')) {
      response.statusCode = 429;
      response.end(
        JSON.stringify({
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 3',
          parameters: { retry_after: 3 },
        }),
      );
      return;
    }
    const json = String(request.headers['content-type']).startsWith('application/json');
    response.end(JSON.stringify({ ok: true, result: { method, echo: json ? JSON.parse(body) : null } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fallbackCalls: string[] = [];
const fallback: Fetch = (input, init) => {
  fallbackCalls.push(String(input));
  return globalThis.fetch(input, init);
};

describe('the Bot API transport (lean fetch)', () => {
  it('makes JSON calls over one kept-alive connection, with their answers read as grammY reads them', async () => {
    const api = new Api('123:abc', { apiRoot, fetch: createLeanFetch(fallback) });
    sockets.clear();
    const first = await api.sendMessage(42, 'Здравствуйте, Мария');
    const second = await api.answerCallbackQuery('press-1');
    expect(first).toMatchObject({
      method: 'sendMessage',
      echo: { chat_id: 42, text: 'Здравствуйте, Мария' },
    });
    expect(second).toMatchObject({ method: 'answerCallbackQuery', echo: { callback_query_id: 'press-1' } });
    expect(sockets.size).toBe(1);
    expect(fallbackCalls).toEqual([]);
  });

  it("hands a 429 back with Telegram's own error and retry_after", async () => {
    const api = new Api('123:abc', { apiRoot, fetch: createLeanFetch(fallback) });
    const error = await api.sendMessage(42, 'flood').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
  });

  it('sends a file upload through the fallback (multipart)', async () => {
    const api = new Api('123:abc', { apiRoot, fetch: createLeanFetch(fallback) });
    fallbackCalls.length = 0;
    await api.sendDocument(42, new InputFile(Buffer.from('заявление'), 'a.txt'));
    expect(fallbackCalls).toHaveLength(1);
    expect(seen.at(-1)?.contentType).toMatch(/^multipart\/form-data/);
  });

  it('ends a call its caller aborts (a timeout)', async () => {
    const lean = createLeanFetch(fallback);
    const controller = new AbortController();
    const call = lean(`${apiRoot}/bot123:abc/slow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});
