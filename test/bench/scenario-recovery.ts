import type { ScenarioResult } from './report.js';

export async function recoveryScenario(_options: unknown): Promise<ScenarioResult> {
  throw new Error('not built yet');
}
