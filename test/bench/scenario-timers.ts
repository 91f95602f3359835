import type { ScenarioResult } from './report.js';

export async function timersScenario(_options: unknown): Promise<ScenarioResult> {
  throw new Error('not built yet');
}
