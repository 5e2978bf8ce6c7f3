/**
 * The monitoring chapter's rule for repeated demo runs: monitoring keeps state per model (the next window
 * starts where the last report ended, labels, the retrain cooldown, the one `retrain-<model>` id), so each
 * run monitors a fresh, numbered copy of the example model — `seattle-weather-run1`, `-run2`, … — and the
 * paused schedules the demo left behind in earlier runs are removed (their reports stay in the registry).
 */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { openRegistry } from '../../src/adapters';
import { monitorScheduleId, type AppConfig } from '../../src/domain';

/** The note the demo pauses its schedule with; only schedules carrying it are ever removed by the demo. */
export const DEMO_PAUSE_NOTE = 'paused by the demo: its worker stops with it';

const runNumber = (base: string, name: string): number | null => {
  const match = new RegExp(`^${base}-run(\\d+)$`).exec(name);
  return match ? Number(match[1]) : null;
};

/** `<base>-run<N>`, N one more than the highest an earlier demo run registered in this data dir. */
export async function nextDemoModelName(config: AppConfig, base: string): Promise<string> {
  const registry = await openRegistry(config);
  try {
    const numbers = (await registry.listVersions()).map((v) => runNumber(base, v.modelName) ?? 0);
    return `${base}-run${Math.max(0, ...numbers) + 1}`;
  } finally {
    await registry.close();
  }
}

/**
 * Ids of the namespace's schedules, from the raw listing: `client.schedule.list()` decodes every schedule's memo,
 * and one written by a client with another payload codec (an encryption key we do not hold) fails the whole list.
 */
async function* scheduleIds(client: Client): AsyncIterable<string> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listSchedules({ namespace: client.options.namespace, maximumPageSize: 100, nextPageToken });
    for (const s of page.schedules ?? []) if (s.scheduleId) yield s.scheduleId;
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
}

/** Deletes the still-paused schedules of earlier demo runs' copies of `base` (and of `base`); returns their ids. */
export async function removeEarlierDemoSchedules(client: Client, base: string): Promise<string[]> {
  const mine = (id: string) => id === monitorScheduleId(base) || runNumber(monitorScheduleId(base), id) !== null;
  const removed: string[] = [];
  for await (const scheduleId of scheduleIds(client)) {
    if (!mine(scheduleId)) continue;
    const handle = client.schedule.getHandle(scheduleId);
    try {
      const { state } = await handle.describe();
      if (!state.paused || state.note !== DEMO_PAUSE_NOTE) continue; // resumed by someone: theirs now
      await handle.delete();
      removed.push(scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err; // the listing lags a deletion
    }
  }
  return removed;
}
