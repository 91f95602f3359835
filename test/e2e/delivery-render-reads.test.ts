import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client.js';
import { createEmulator, type Emulator } from '../../src/sandbox/emulator.js';
import { freshRedisPrefix, TEST_BOT_TOKEN } from '../helpers/env.js';
import { eventually, startDeliveryPipeline } from '../helpers/pipeline.js';
import { writeRelayedBacklog } from '../helpers/relayed-backlog.js';
import { notificationStatusCounts } from '../helpers/routing-factories.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

/** Text only the copy's read has (relay.repository.ts copySources): its statement is told by it. */
const COPY_READ = 'media_group_id is distinct from';

/**
 * Each socket write the service sends PostgreSQL, read off the wire through a proxy: how many executions
 * (Bind messages) of the copy's read each write carries. Statements are named per connection (postgres.js
 * prepares them), so a Bind is matched to its Parse's text by the connection and the name.
 */
function watchCopyReads() {
  const pending = new Map<number, Buffer>();
  const started = new Set<number>();
  const texts = new Map<string, string>();
  const perWrite: number[] = [];
  const cString = (body: Buffer, offset: number): [string, number] => {
    const end = body.indexOf(0, offset);
    return [body.subarray(offset, end).toString(), end + 1];
  };
  function tap(connection: number, chunk: Buffer) {
    let data = Buffer.concat([pending.get(connection) ?? Buffer.alloc(0), chunk]);
    let reads = 0;
    for (;;) {
      const header = started.has(connection) ? 5 : 8;
      if (data.length < header) break;
      const length = started.has(connection) ? data.readInt32BE(1) + 1 : data.readInt32BE(0);
      if (data.length < length) break;
      if (!started.has(connection)) {
        const code = data.readInt32BE(4);
        if (code !== 80877103 && code !== 80877104) started.add(connection);
      } else {
        const type = String.fromCharCode(data[0]!);
        const body = data.subarray(5, length);
        if (type === 'P') {
          const [name, next] = cString(body, 0);
          texts.set(`${connection}:${name}`, cString(body, next)[0]);
        } else if (type === 'B') {
          const [, next] = cString(body, 0);
          const [statement] = cString(body, next);
          if (texts.get(`${connection}:${statement}`)?.includes(COPY_READ)) reads += 1;
        }
      }
      data = data.subarray(length);
    }
    pending.set(connection, Buffer.from(data));
    if (reads > 0) perWrite.push(reads);
  }
  return { tap, perWrite };
}

/**
 * A batched delivery turn reads each copy's sources (one statement a copy) on one connection of its own
 * (container.ts `reads`): the reads its chats' renders issue together go to PostgreSQL in one socket write
 * (postgres.js pipelines a connection's queries), where the pool spread them over as many connections.
 */
describe('a batched delivery turn and PostgreSQL', () => {
  const reads = watchCopyReads();
  const { db, sql } = createDb(process.env.DATABASE_URL!, { max: 4 });
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let pipeline: Awaited<ReturnType<typeof startDeliveryPipeline>> | undefined;

  beforeAll(async () => {
    emulator = createEmulator({ token: TEST_BOT_TOKEN, limits: { global: 30, perChat: 1 } });
    await emulator.start();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 }, reads.tap);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await proxy?.close();
    await emulator?.stop();
    await sql.end();
  });

  it('sends the copies’ reads of its chats in one write', async () => {
    const { copies } = await writeRelayedBacklog(db, emulator, {
      curators: 4,
      familiesEach: 1,
      messagesEach: 2,
    });
    const proxied = new URL(process.env.DATABASE_URL!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    pipeline = await startDeliveryPipeline({
      apiRoot: emulator.url,
      redisPrefix: freshRedisPrefix(),
      env: { DATABASE_URL: proxied.toString() },
    });
    await eventually(
      async () => (await notificationStatusCounts(db)).sent === copies,
      60_000,
      'every copy sent',
    );

    const total = reads.perWrite.reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThanOrEqual(copies);
    // The first turn took the four chats together: their reads went in one write.
    expect(Math.max(...reads.perWrite)).toBeGreaterThanOrEqual(2);
    expect(reads.perWrite.length).toBeLessThan(total);
  });
});
