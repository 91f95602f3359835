import { Redis } from 'ioredis';
import { vi } from 'vitest';

interface SentCommand {
  name: string;
  args: string[];
}

/**
 * Every Redis command this test process sends, from any client, grouped in round trips: a command sent on
 * its own is one, a pipeline or a MULTI transaction is one however many commands it carries (ioredis writes
 * it to the socket at once and reads all its replies). `since(mark, keep)` gives the round trips after a
 * mark that carry a command `keep` accepts (the process's other clients and timers are left out that way).
 */
export function watchRedisRoundTrips() {
  const trips: SentCommand[][] = [];
  const pipelines = new WeakMap<object, SentCommand[]>();
  const original = Redis.prototype.sendCommand;
  const spy = vi.spyOn(Redis.prototype, 'sendCommand').mockImplementation(function (
    this: Redis,
    command,
    stream?: unknown,
  ) {
    const sent = {
      name: command.name,
      args: command.args.map((arg) => (Buffer.isBuffer(arg) ? arg.toString() : String(arg))),
    };
    if (stream && typeof stream === 'object') {
      let trip = pipelines.get(stream);
      if (!trip) {
        trip = [];
        pipelines.set(stream, trip);
        trips.push(trip);
      }
      trip.push(sent);
    } else {
      trips.push([sent]);
    }
    // biome-ignore lint/complexity/noArguments: the original takes optional arguments this wrapper never reads
    return original.apply(this, arguments as unknown as Parameters<typeof original>);
  });
  return {
    mark: () => trips.length,
    since(mark: number, keep: (command: SentCommand) => boolean): SentCommand[][] {
      return trips.slice(mark).filter((trip) => trip.some(keep));
    },
    restore: () => spy.mockRestore(),
  };
}

/** A round trip as one line: `EVALSHA · MULTI SET ZADD EVALSHA EXEC`. */
export const describeTrips = (trips: SentCommand[][]) =>
  trips.map((trip) => trip.map((command) => command.name.toUpperCase()).join(' ')).join(' · ');

/** A C string at `offset` of a message body, and where the next field starts. */
function cString(body: Buffer, offset: number): [string, number] {
  const end = body.indexOf(0, offset);
  return [body.subarray(offset, end).toString(), end + 1];
}

/**
 * The queries PostgreSQL clients send through a proxy (test/helpers/tcp-proxy.ts `tap`), read off the
 * wire: each extended-protocol Sync or simple Query message is one round trip of a query (BEGIN and COMMIT
 * of a transaction too), listed with its statement's text.
 */
export function watchPostgresQueries() {
  const connections = new Map<number, { started: boolean; pending: Buffer }>();
  /** Statement texts by prepared name ('' is the unnamed one), and the one the connection last bound. */
  const statements = new Map<string, string>();
  const bound = new Map<number, string>();
  const queries: string[] = [];

  function message(connection: number, type: string, body: Buffer) {
    if (type === 'P') {
      const [name, next] = cString(body, 0);
      statements.set(name, cString(body, next)[0]);
      if (!name) bound.set(connection, statements.get(name)!);
    } else if (type === 'B') {
      const [, next] = cString(body, 0);
      bound.set(connection, statements.get(cString(body, next)[0]) ?? '?');
    } else if (type === 'S') {
      queries.push(bound.get(connection) ?? '?');
    } else if (type === 'Q') {
      queries.push(cString(body, 0)[0]);
    }
  }

  function tap(connection: number, chunk: Buffer) {
    const state = connections.get(connection) ?? { started: false, pending: Buffer.alloc(0) };
    connections.set(connection, state);
    let data = Buffer.concat([state.pending, chunk]);
    for (;;) {
      // The startup message (and an SSL or GSS request before it) has no type byte.
      const headerLength = state.started ? 5 : 8;
      if (data.length < headerLength) break;
      const length = state.started ? data.readInt32BE(1) + 1 : data.readInt32BE(0);
      if (data.length < length) break;
      if (state.started) {
        message(connection, String.fromCharCode(data[0]!), data.subarray(5, length));
      } else {
        const code = data.readInt32BE(4);
        // 80877103: SSLRequest, 80877104: GSSENCRequest; anything else is the startup message.
        if (code !== 80877103 && code !== 80877104) state.started = true;
      }
      data = data.subarray(length);
    }
    state.pending = Buffer.from(data);
  }
  return { tap, mark: () => queries.length, since: (mark: number) => queries.slice(mark) };
}
