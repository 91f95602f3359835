import http from 'node:http';
import https from 'node:https';

type Fetch = typeof globalThis.fetch;

/** An abort as fetch reports it. */
function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

/** What grammY and api-fetch.ts read of an answer: its status and its body as JSON or text. */
class LeanResponse {
  readonly ok: boolean;
  constructor(
    readonly status: number,
    readonly statusText: string,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    return this.body;
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.body);
  }

  clone(): LeanResponse {
    return new LeanResponse(this.status, this.statusText, this.body);
  }
}

interface Origin {
  request: typeof http.request;
  hostname: string;
  port: string;
  agent: http.Agent;
}

/**
 * A `fetch` for the Bot API's JSON calls over one keep-alive `http.request` per call: no `Request`,
 * `Headers`, URL object or body stream per call as node-fetch makes them, the answer read whole as text
 * (the Bot API's answers are small JSON). Anything else — a file upload (multipart body), a GET without a
 * body, headers given as a `Headers` object — goes to `fallback`. Aborts (grammY's timeout) end the request.
 */
export function createLeanFetch(fallback: Fetch): Fetch {
  const origins = new Map<string, Origin>();
  const originOf = (base: string): Origin => {
    let origin = origins.get(base);
    if (!origin) {
      const url = new URL(base);
      const secure = url.protocol === 'https:';
      origin = {
        request: secure ? https.request : http.request,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || (secure ? '443' : '80'),
        agent: secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }),
      };
      origins.set(base, origin);
    }
    return origin;
  };
  return (input, init) => {
    const body = init?.body;
    const plainHeaders =
      init?.headers === undefined || (!(init.headers instanceof Headers) && !Array.isArray(init.headers));
    if (typeof input !== 'string' || typeof body !== 'string' || !plainHeaders) return fallback(input, init);
    const pathStart = input.indexOf('/', input.indexOf('//') + 2);
    if (pathStart < 0) return fallback(input, init);
    const origin = originOf(input.slice(0, pathStart));
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const headers: Record<string, string | number> = {
        ...(init?.headers as Record<string, string> | undefined),
        'content-length': Buffer.byteLength(body),
      };
      const request = origin.request({
        hostname: origin.hostname,
        port: origin.port,
        path: input.slice(pathStart),
        method: init?.method ?? 'POST',
        headers,
        agent: origin.agent,
      });
      const onAbort = () => request.destroy(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal?.removeEventListener('abort', onAbort);
      request.once('error', (error) => {
        settle();
        reject(error);
      });
      request.once('response', (response) => {
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.once('end', () => {
          settle();
          const status = response.statusCode ?? 0;
          resolve(new LeanResponse(status, response.statusMessage ?? '', text) as unknown as Response);
        });
        response.once('error', (error) => {
          settle();
          reject(error);
        });
      });
      request.end(body);
    });
  };
}
