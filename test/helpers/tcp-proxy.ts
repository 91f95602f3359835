import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP pass-through to a real service. Closing it cuts every connection, which is how tests take
 * PostgreSQL or Redis "down" for one process without touching the shared server. `blackhole()` is the
 * nastier outage: connections stay open and new ones are accepted, but nothing goes through either way
 * (a dead host behind a firewall that drops packets), so every call hangs instead of failing.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let swallowing = false;
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    sockets.add(client);
    client.on('error', () => client.destroy()).on('close', () => sockets.delete(client));
    if (swallowing) {
      client.pause();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** From now on nothing passes, and nothing is closed. */
    blackhole() {
      swallowing = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    /** A restart as clients see it: every connection cut, new ones refused until restore(). */
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    /** Connections pass again (after cut() or blackhole()). */
    restore() {
      refusing = false;
      swallowing = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
