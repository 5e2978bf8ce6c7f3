import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { repoRoot } from './paths';

/**
 * Saves a finished run's history under test/histories/ when `MLOPS_SAVE_HISTORIES=1` — how the saved
 * histories of a new branch are produced (from a real run of the test that exercises it), in the format of
 * `temporal workflow show --output json`. Without the variable it does nothing.
 */
export async function saveHistoryIfAsked(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }, file: string): Promise<void> {
  if (process.env['MLOPS_SAVE_HISTORIES'] !== '1') return;
  const history = temporal.api.history.v1.History.create(await handle.fetchHistory());
  const json = temporal.api.history.v1.History.toObject(history, { longs: String, enums: String, bytes: String });
  writeFileSync(join(repoRoot, 'test/histories', file), `${JSON.stringify(json)}\n`);
}
