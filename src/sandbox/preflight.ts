import { Redis } from 'ioredis';
import postgres from 'postgres';

export interface PreflightProblem {
  service: 'PostgreSQL' | 'Redis';
  url: string;
  error: string;
  howToStart: string;
}

/** Checks that PostgreSQL and Redis answer, so a newcomer hears what is missing instead of a stack trace. */
export async function checkServices(databaseUrl: string, redisUrl: string): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const sql = postgres(adminUrl.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    problems.push({
      service: 'PostgreSQL',
      url: adminUrl.host,
      error: error instanceof Error ? error.message : String(error),
      howToStart:
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   or   docker compose up -d postgres',
    });
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    problems.push({
      service: 'Redis',
      url: new URL(redisUrl).host,
      error: error instanceof Error ? error.message : String(error),
      howToStart: 'redis-server --daemonize yes   or   docker compose up -d redis',
    });
  } finally {
    redis.disconnect();
  }
  return problems;
}
