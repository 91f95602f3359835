import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RecordedSend {
  /** Monotonic ms when the send reached the proxy. */
  at: number;
  chatId: number;
  status: number;
  retryAfter?: number;
  injected: boolean;
}

/**
 * An HTTP proxy in front of the Bot API emulator that records every sendMessage (when it arrived, to which
 * chat, what came back) and can answer chosen sends with a 429 or a 502 itself, so a test can check that the
 * service keeps its rates and honours every `retry_after` — independently of the emulator's own counters.
 */
export async function startBotApiRecorder(
  target: string,
  options: {
    floodOnSendNumbers?: number[];
    badGatewayOnSendNumbers?: number[];
    /** The first send whose text contains each fragment is answered 502 (once per fragment). */
    badGatewayOnceOnText?: string[];
    /** Runs before such a 502 is answered (what happens elsewhere while the send is in hand). */
    beforeBadGateway?: (chatId: number) => Promise<void>;
  } = {},
) {
  const sends: RecordedSend[] = [];
  const floodOn = new Set(options.floodOnSendNumbers ?? []);
  const badGatewayOn = new Set(options.badGatewayOnSendNumbers ?? []);
  const badGatewayOnText = new Set(options.badGatewayOnceOnText ?? []);
  const upstream = new URL(target);
  let sendCount = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const at = performance.now();
      const isSend = req.url?.endsWith('/sendMessage') ?? false;
      let chatId = 0;
      if (isSend) {
        sendCount += 1;
        const sent = JSON.parse(body.toString('utf8')) as { chat_id: number | string; text?: string };
        chatId = Number(sent.chat_id);
        const fragment = [...badGatewayOnText].find((part) => sent.text?.includes(part));
        if (fragment !== undefined) {
          badGatewayOnText.delete(fragment);
          badGatewayOn.add(sendCount);
        }
        if (floodOn.has(sendCount)) {
          sends.push({ at, chatId, status: 429, retryAfter: 1, injected: true });
          const answer = JSON.stringify({
            ok: false,
            error_code: 429,
            description: 'Too Many Requests: retry after 1',
            parameters: { retry_after: 1 },
          });
          res.writeHead(429, { 'content-type': 'application/json' }).end(answer);
          return;
        }
        if (badGatewayOn.has(sendCount)) {
          sends.push({ at, chatId, status: 502, injected: true });
          const answer = JSON.stringify({ ok: false, error_code: 502, description: 'Bad Gateway' });
          const before = options.beforeBadGateway?.(chatId) ?? Promise.resolve();
          void before.then(
            () => res.writeHead(502, { 'content-type': 'application/json' }).end(answer),
            () => res.writeHead(500).end(),
          );
          return;
        }
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            if (isSend) {
              const parsed = JSON.parse(text.toString('utf8')) as { parameters?: { retry_after?: number } };
              sends.push({
                at,
                chatId,
                status: answer.statusCode ?? 0,
                retryAfter: parsed.parameters?.retry_after,
                injected: false,
              });
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(text);
          });
        },
      );
      forward.on('error', () => res.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sends: () => [...sends].sort((a, b) => a.at - b.at),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Most sends in any window of `windowMs` (sends sorted by time). */
export function busiestWindow(times: number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
