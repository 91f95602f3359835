import { describe, expect, it } from 'vitest';
import { mergeResults } from './report.js';

const section = [
  '<!-- bench:results:start -->',
  '## Results (`npm run bench`, 2026-11-25T05:37Z)',
  '',
  'Machine: 2 cores. Whole run: 351 s.',
  '',
  '| scenario | metric | value | target | met |',
  '|---|---|---|---|---|',
  '| 1 intake (200 families × 10 updates) | updates/s (bot) | 219 | ≥ 1,500 | **no** |',
  '| 6 memory (10,000 dialogues) | bot process RSS | 259 MiB | ≤ 256 MB | **no** |',
  '| 7 flood (500 updates from one chat, 40 connections) | p99 | 2,268 ms | p99 ≤ 1 s | **no** |',
  '| 7 flood (500 updates from one chat, 40 connections) | call alone | 1,150 ms |  |  |',
  '',
  '- **1 intake** (14 s). Bot: 2,000 updates.',
  '- **7 flood** (23 s). 550 webhook calls.',
  '- **6 memory** (75 s). RSS after start-up.',
  '<!-- bench:results:end -->',
].join('\n');
const titles = ['1 intake', '6 memory', '7 flood'];

describe('a benchmark run of some scenarios (--only) written into BENCHMARKS.md', () => {
  it("replaces only those scenarios' rows and notes, keeping every other figure and the header", () => {
    const merged = mergeResults(
      section,
      [
        {
          title: '7 flood',
          rows: [
            {
              scenario: '7 flood (500 updates)',
              metric: 'p99',
              value: '640 ms',
              target: 'p99 ≤ 1 s',
              met: true,
            },
          ],
          note: '**7 flood** (20 s; run with `--only flood`). 550 webhook calls.',
        },
      ],
      titles,
    );
    const lines = section.split('\n');
    const flood = lines.findIndex((line) => line.startsWith('| 7 flood'));
    const expected = [
      ...lines.slice(0, flood),
      '| 7 flood (500 updates) | p99 | 640 ms | p99 ≤ 1 s | yes |',
      ...lines.slice(flood + 2),
    ].map((line) =>
      line.startsWith('- **7 flood**')
        ? '- **7 flood** (20 s; run with `--only flood`). 550 webhook calls.'
        : line,
    );
    expect(merged.split('\n')).toEqual(expected);
  });

  it('puts a scenario that had no rows yet in its place and its note after the others', () => {
    const merged = mergeResults(
      section,
      [
        {
          title: '6 memory',
          rows: [{ scenario: '6 memory (1,000 dialogues)', metric: 'RSS', value: '200 MiB' }],
          note: '**6 memory** (9 s). Quick.',
        },
      ],
      ['1 intake', '2 curator', '6 memory', '7 flood'],
    );
    const lines = merged.split('\n');
    expect(lines.filter((line) => line.startsWith('| '))).toEqual([
      '| scenario | metric | value | target | met |',
      '| 1 intake (200 families × 10 updates) | updates/s (bot) | 219 | ≥ 1,500 | **no** |',
      '| 6 memory (1,000 dialogues) | RSS | 200 MiB |  |  |',
      '| 7 flood (500 updates from one chat, 40 connections) | p99 | 2,268 ms | p99 ≤ 1 s | **no** |',
      '| 7 flood (500 updates from one chat, 40 connections) | call alone | 1,150 ms |  |  |',
    ]);
    expect(lines.filter((line) => line.startsWith('- '))).toEqual([
      '- **1 intake** (14 s). Bot: 2,000 updates.',
      '- **7 flood** (23 s). 550 webhook calls.',
      '- **6 memory** (9 s). Quick.',
    ]);
  });
});
