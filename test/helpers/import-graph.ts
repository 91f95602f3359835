import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

/** Each file (a path from the repository root, `src/...`) with what it imports: local files or packages. */
export type ImportGraph = Map<string, string[]>;

const isTest = (file: string) => file.endsWith('.test.ts') || file.startsWith('test/');

/** The static imports and re-exports of every .ts file under `src`, read with the TypeScript parser. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const files = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => posix.join('src', name.split('\\').join('/')));
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
    const imports: string[] = [];
    for (const statement of source.statements) {
      const specifier =
        (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
        statement.moduleSpecifier &&
        ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (specifier === undefined) continue;
      imports.push(
        specifier.startsWith('.')
          ? relative(root, join(root, dirname(file), specifier))
              .split('\\')
              .join('/')
              .replace(/\.js$/, '.ts')
          : specifier,
      );
    }
    graph.set(file, imports);
  }
  return graph;
}

/** Every import cycle, once each (a strongly connected group of files, in the order one leads to the next). */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.unshift(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)?.includes(file)) groups.push(group);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return groups;
}

const featureOf = (file: string) => /^src\/features\/([^/]+)\//.exec(file)?.[1];

/** Below the bot: they import neither bot/ nor a feature. */
const base = [
  'src/config.ts',
  'src/time.ts',
  'src/i18n.ts',
  'src/logger.ts',
  'src/deadline-policies.ts',
  'src/container.ts',
  'src/db/',
  'src/queue/',
  'src/telegram/',
  'src/metrics/',
];
/** Composition and processes: features never import them. */
const composition = [
  'src/app.ts',
  'src/main.ts',
  'src/supervisor.ts',
  'src/roles/',
  'src/workers/',
  'src/http/',
  'src/admin/',
  'src/sandbox/',
  'src/web/',
];
const within = (file: string, places: string[]) =>
  places.some((place) => (place.endsWith('/') ? file.startsWith(place) : file === place));

/**
 * What breaks the layering README's «Architecture» describes, one line each: config/time/i18n/db below
 * bot/, bot/ below the features, features below composition and processes (web/, workers/, admin/ …), and
 * nothing below the features reaching up to composition either; a feature reached from outside
 * only through its index.ts; composers without the database. Tests may reach anywhere.
 */
export function layeringProblems(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    if (isTest(file)) continue;
    const feature = featureOf(file);
    for (const target of imports) {
      const targetFeature = featureOf(target);
      const edge = `${file} imports ${target}`;
      if (targetFeature && targetFeature !== feature && target !== `src/features/${targetFeature}/index.ts`)
        problems.push(`${edge}: another feature's internals (only its index.ts)`);
      if (targetFeature && targetFeature === feature && target === `src/features/${feature}/index.ts`)
        problems.push(`${edge}: its own feature's index.ts (import the file itself)`);
      if (targetFeature && (within(file, base) || file.startsWith('src/bot/')))
        problems.push(`${edge}: a feature, from below the features`);
      if (within(file, base) && target.startsWith('src/bot/')) problems.push(`${edge}: bot/, from below it`);
      if ((within(file, base) || file.startsWith('src/bot/')) && within(target, composition))
        problems.push(`${edge}: composition, from below it`);
      if (feature && within(target, composition)) problems.push(`${edge}: composition, from a feature`);
      if (file.endsWith('.composer.ts') && (target.startsWith('src/db/') || target === 'drizzle-orm'))
        problems.push(`${edge}: the database, from a composer (a use case runs the queries)`);
      // Routes and views of the monitoring site, like composers, leave the queries to use cases.
      if (
        file.startsWith('src/web/') &&
        (target === 'drizzle-orm' || (target.startsWith('src/db/schema/') && !target.endsWith('/enums.ts')))
      )
        problems.push(`${edge}: the database, from the web edge (a use case runs the queries)`);
    }
  }
  return problems;
}
