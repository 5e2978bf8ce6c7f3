/**
 * What one lifecycle writes to the server: its history and its deployment child's, counted by event kind
 * (the dev server's CPU per lifecycle follows these counts). BENCH_SAVE_HISTORIES=DIR also saves both
 * histories there, in the format of `temporal workflow show --output json`, for a closer look.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { deploymentWorkflowId } from '../src/domain';

type History = temporal.api.history.v1.IHistory;

const kindOf = (e: temporal.api.history.v1.IHistoryEvent): string =>
  String(temporal.api.enums.v1.EventType[e.eventType ?? 0]).replace(/^EVENT_TYPE_/, '');

/** Event counts by kind, most frequent first. */
export function countEvents(history: History): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of history.events ?? []) counts.set(kindOf(e), (counts.get(kindOf(e)) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

function save(dir: string, file: string, history: History): void {
  const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.create(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  writeFileSync(join(dir, file), `${JSON.stringify(json)}\n`);
}

/** One line per workflow: total events, then the count of each kind. */
export async function historyCensus(client: Client, lifecycle: WorkflowHandle, model: string, version: number): Promise<string[]> {
  const child = client.workflow.getHandle(deploymentWorkflowId(model, version));
  const histories = { lifecycle: await lifecycle.fetchHistory(), 'deployment child': await child.fetchHistory() };
  const dir = process.env['BENCH_SAVE_HISTORIES'];
  const lines: string[] = [];
  let total = 0;
  for (const [name, history] of Object.entries(histories)) {
    if (dir) save(dir, `${name.replace(' ', '-')}.json`, history);
    const n = history.events?.length ?? 0;
    total += n;
    const kinds = [...countEvents(history)].map(([k, c]) => `${k.toLowerCase()} ${c}`).join(', ');
    lines.push(`    ${name}: ${n} events — ${kinds}`);
  }
  return [`  history events per lifecycle (with its deployment child): ${total}`, ...lines];
}
