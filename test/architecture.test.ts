import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ImportGraph, importCycles, layeringProblems, readImportGraph } from './helpers/import-graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the import graph of src', () => {
  const graph = readImportGraph(root);

  it('is read whole, and every feature has its front door', () => {
    const files = [...graph.keys()];
    const features = new Set(files.flatMap((file) => /^src\/features\/([^/]+)\//.exec(file)?.[1] ?? []));
    const doors = new Set(
      files.flatMap((file) => /^src\/features\/([^/]+)\/index\.ts$/.exec(file)?.[1] ?? []),
    );
    expect(files.length).toBeGreaterThan(100);
    expect(features.size).toBeGreaterThan(10);
    expect(doors).toEqual(features);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('keeps the layers: features through their front door, nothing below reaching up, composers without the database', () => {
    expect(layeringProblems(graph)).toEqual([]);
  });
});

describe('the checks themselves, on a made-up graph', () => {
  const graph: ImportGraph = new Map([
    ['src/config.ts', ['src/features/relay/index.ts']],
    ['src/bot/create-bot.ts', ['src/features/menu/menu.keyboards.ts']],
    ['src/db/client.ts', ['src/bot/context.ts']],
    ['src/features/curator/curator.usecases.ts', ['src/features/requests/requests.steps.ts']],
    ['src/features/curator/curator.keyboards.ts', ['src/features/curator/index.ts']],
    ['src/features/curator/curator.composer.ts', ['drizzle-orm', 'src/db/client.ts']],
    ['src/features/relay/relay.usecases.ts', ['src/workers/routing.worker.ts']],
    ['src/features/requests/requests.usecases.ts', ['src/features/requests/requests.repository.ts']],
    ['src/features/requests/requests.repository.ts', ['src/features/requests/requests.usecases.ts']],
    ['src/features/requests/requests.test.ts', ['src/features/relay/relay.repository.ts']],
    [
      'src/web/overview.routes.ts',
      ['drizzle-orm', 'src/db/schema/enums.ts', 'src/features/monitoring/index.ts'],
    ],
    ['src/features/monitoring/monitoring.usecases.ts', ['src/web/html.ts']],
    ['src/queue/outbox.ts', ['src/workers/routing.worker.ts']],
    ['src/bot/error-handler.ts', ['src/web/html.ts']],
  ]);

  it('find a cycle', () => {
    expect(importCycles(graph)).toEqual([
      ['src/features/requests/requests.usecases.ts', 'src/features/requests/requests.repository.ts'],
    ]);
  });

  it('find each kind of layering problem, and let tests reach anywhere', () => {
    expect(layeringProblems(graph)).toEqual([
      'src/config.ts imports src/features/relay/index.ts: a feature, from below the features',
      "src/bot/create-bot.ts imports src/features/menu/menu.keyboards.ts: another feature's internals (only its index.ts)",
      'src/bot/create-bot.ts imports src/features/menu/menu.keyboards.ts: a feature, from below the features',
      'src/db/client.ts imports src/bot/context.ts: bot/, from below it',
      "src/features/curator/curator.usecases.ts imports src/features/requests/requests.steps.ts: another feature's internals (only its index.ts)",
      "src/features/curator/curator.keyboards.ts imports src/features/curator/index.ts: its own feature's index.ts (import the file itself)",
      'src/features/curator/curator.composer.ts imports drizzle-orm: the database, from a composer (a use case runs the queries)',
      'src/features/curator/curator.composer.ts imports src/db/client.ts: the database, from a composer (a use case runs the queries)',
      'src/features/relay/relay.usecases.ts imports src/workers/routing.worker.ts: composition, from a feature',
      'src/web/overview.routes.ts imports drizzle-orm: the database, from the web edge (a use case runs the queries)',
      'src/features/monitoring/monitoring.usecases.ts imports src/web/html.ts: composition, from a feature',
      'src/queue/outbox.ts imports src/workers/routing.worker.ts: composition, from below it',
      'src/bot/error-handler.ts imports src/web/html.ts: composition, from below it',
    ]);
  });
});
