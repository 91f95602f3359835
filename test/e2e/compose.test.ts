import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/spawn.js';

// No harness: it reads docker-compose.yml; no service runs here.

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(`${repoRoot}/docker-compose.yml`, 'utf8')) as {
    services: Record<string, Service>;
  };
  const { services } = compose;

  it('runs PostgreSQL 16, Redis 7, the bot, the workers and the relay, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['bot', 'postgres', 'redis', 'relay', 'web', 'worker']);
    expect(services.postgres!.image).toMatch(/^postgres:16/);
    expect(services.redis!.image).toMatch(/^redis:7/);
    for (const service of Object.values(services))
      expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('keeps Redis on disk and never evicts queue keys', () => {
    const command = services.redis!.command!.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
  });

  it('starts the app roles apart, after the databases are healthy', () => {
    expect(services.bot!.command).toEqual(['--role=bot']);
    expect(services.worker!.command).toEqual(['--role=worker']);
    expect(services.relay!.command).toEqual(['--role=relay']);
    expect(services.web!.command).toEqual(['--role=web']);
    for (const name of ['bot', 'worker', 'relay', 'web']) {
      expect(services[name]!.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });
});
