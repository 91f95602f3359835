/** One line of the results table. */
export interface ResultRow {
  scenario: string;
  metric: string;
  value: string;
  target?: string;
  /** Whether the target is met; undefined when there is no target for the line. */
  met?: boolean;
}

export interface ScenarioResult {
  rows: ResultRow[];
  /** Sentences for BENCHMARKS.md under the scenario: what was seen besides the figures. */
  notes: string[];
}

export function resultTable(rows: ResultRow[]): string {
  const lines = ['| scenario | metric | value | target | met |', '|---|---|---|---|---|'];
  for (const row of rows) {
    const met = row.met === undefined ? '' : row.met ? 'yes' : '**no**';
    lines.push(`| ${row.scenario} | ${row.metric} | ${row.value} | ${row.target ?? ''} | ${met} |`);
  }
  return lines.join('\n');
}

/** One scenario's rows and note from a run, under its title (`7 flood`), as `run.ts` names it. */
export interface ScenarioOutcome {
  title: string;
  rows: ResultRow[];
  note: string;
}

const belongsTo = (line: string, title: string) =>
  line.startsWith(`| ${title} `) || line.startsWith(`| ${title} |`);

/**
 * A run of some scenarios (`--only`) into the results section written by an earlier run: each rerun
 * scenario's rows and note replace its old ones, in the scenarios' order; every other scenario's rows,
 * notes and the header (machine and load of the run they come from) are kept as they were.
 */
export function mergeResults(section: string, outcomes: ScenarioOutcome[], titles: string[]): string {
  const lines = section.split('\n');
  const tableStart = lines.findIndex((line) => line.startsWith('| scenario |'));
  if (tableStart < 0) throw new Error('the results section has no table to merge into');
  let tableEnd = tableStart + 2;
  while (tableEnd < lines.length && lines[tableEnd]!.startsWith('|')) tableEnd += 1;
  const oldRows = lines.slice(tableStart + 2, tableEnd);
  const rerun = new Map(outcomes.map((outcome) => [outcome.title, outcome]));
  const rows: string[] = [];
  for (const title of titles) {
    const outcome = rerun.get(title);
    if (outcome) rows.push(...resultTable(outcome.rows).split('\n').slice(2));
    else rows.push(...oldRows.filter((line) => belongsTo(line, title)));
  }
  rows.push(...oldRows.filter((line) => !titles.some((title) => belongsTo(line, title))));

  const rest = lines.slice(tableEnd);
  const end = rest.findIndex((line) => line.startsWith('<!-- bench:results:end'));
  const notes = rest.slice(0, end < 0 ? rest.length : end);
  for (const outcome of outcomes) {
    const note = `- ${outcome.note}`;
    const at = notes.findIndex((line) => line.startsWith(`- **${outcome.title}**`));
    if (at >= 0) notes[at] = note;
    else {
      const last = notes.findLastIndex((line) => line.startsWith('- '));
      notes.splice(last + 1, 0, note);
    }
  }
  return [...lines.slice(0, tableStart + 2), ...rows, ...notes, ...(end < 0 ? [] : rest.slice(end))].join(
    '\n',
  );
}
