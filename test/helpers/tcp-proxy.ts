import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP pass-through to a real service. Closing it cuts every connection, which is how tests take
 * PostgreSQL or Redis "down" for one process without touching the shared server. `cut()` and `restore()`
 * take it down and bring it back on the same port, as a restarted server would be. `blackhole()` is the
 * nastier outage: connections stay open and new ones are accepted, but nothing goes through either way
 * (a dead host behind a firewall that drops packets), so every call hangs instead of failing.
 */
export async function startTcpProxy(
  target: { host: string; port: number },
  /** Sees what each client sends upstream (the connection's number, a chunk), as it passes. */
  tap?: (connection: number, chunk: Buffer) => void,
) {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let swallowing = false;
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    sockets.add(client);
    client.on('error', () => client.destroy()).on('close', () => sockets.delete(client));
    if (swallowing) {
      client.pause();
      return;
    }
    const upstream = connect(target.port, target.host);
    const connection = accepted;
    if (tap) client.on('data', (chunk: Buffer) => tap(connection, chunk));
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
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    close,
    cut: close,
    /** Listens again on the same port, passing everything (after cut() or blackhole()). */
    async restore() {
      swallowing = false;
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    /** Connections accepted so far (swallowed ones too). */
    accepted: () => accepted,
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
  };
}
