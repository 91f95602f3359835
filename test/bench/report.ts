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
