import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { MONITOR_WORKFLOW_TYPE, modelSpecSchema, type ModelSpecInput, type MonitorResult } from '../../src/domain';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { weatherSpec } from './specs';
import { tempDir, weatherCsv } from './paths';
import type { TestStack } from './stack';

export type WeatherRow = { location: string; precipitation: number; temp_max: number; temp_min: number; wind: number; weather: string };

/** Real rows of weather.csv for one city, in a fixed pseudo-random order (hash of the date), `offset` skipped. */
export async function weatherRows(city: 'Seattle' | 'New York', n: number, offset = 0): Promise<WeatherRow[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const reader = await c.runAndReadAll(
    `SELECT location, precipitation, temp_max, temp_min, wind, weather FROM read_csv('${weatherCsv}')
     WHERE location = '${city}' ORDER BY hash(date), date LIMIT ${n} OFFSET ${offset}`,
  );
  const rows = reader.getRowObjectsJS() as WeatherRow[];
  c.closeSync();
  db.closeSync();
  return rows;
}

/** A Seattle-only weather spec with the given monitoring section (small epochs for tests). */
export function seattleSpec(name: string, monitoring: ModelSpecInput['monitoring'], overrides: Partial<ModelSpecInput> = {}) {
  return modelSpecSchema.parse(
    weatherSpec({
      name,
      dataset: { path: weatherCsv, format: 'csv', where: "location = 'Seattle'" },
      features: [
        { name: 'precipitation', type: 'numeric', min: 0, max: 500 },
        { name: 'temp_max', type: 'numeric', min: -50, max: 60 },
        { name: 'temp_min', type: 'numeric', min: -60, max: 50 },
        { name: 'wind', type: 'numeric', min: 0, max: 100 },
      ],
      thresholds: {},
      ...(monitoring ? { monitoring } : {}),
      ...overrides,
    }),
  );
}

/** Runs a lifecycle to deployment, approving as the test suite. */
export async function deploy(stack: TestStack, spec: ReturnType<typeof seattleSpec>): Promise<number> {
  const run = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'test-suite' });
  const result = await run.handle.result();
  if (result.outcome !== 'deployed' || result.version === undefined) throw new Error(`not deployed: ${result.outcome}`);
  return result.version;
}

export type ServedRow = { id: string; row: number; truth: string; predicted: string };

/** Sends the rows to the model server in batches; returns each prediction's request id and row with its true label. */
export async function serve(stack: TestStack, model: string, rows: readonly WeatherRow[], batch = 50): Promise<ServedRow[]> {
  const out: ServedRow[] = [];
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const res = await fetch(`${stack.serverUrl}/v1/models/${model}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: chunk.map(({ precipitation, temp_max, temp_min, wind }) => ({ precipitation, temp_max, temp_min, wind })) }),
    });
    const body = (await res.json()) as { requestId: string; predictions: { label: string }[] };
    if (!res.ok) throw new Error(`predict failed: ${res.status} ${JSON.stringify(body)}`);
    chunk.forEach((r, j) => out.push({ id: body.requestId, row: j, truth: r.weather, predicted: body.predictions[j]?.label ?? '' }));
  }
  await stack.predictionLog.flush();
  return out;
}

export function labelsCsv(rows: readonly { id: string; row: number; truth: string }[]): string {
  const path = join(tempDir('labels'), 'labels.csv');
  writeFileSync(path, ['request_id,row,label', ...rows.map((r) => `${r.id},${r.row},${r.truth}`)].join('\n'));
  return path;
}

/** Runs one monitor pass directly (no schedule) over the window ending now; the log is already flushed. */
export async function monitorOnce(stack: TestStack, model: string, windowEnd = new Date().toISOString()): Promise<MonitorResult & { workflowId: string }> {
  const workflowId = `monitor-${model}-manual-${Date.now()}`;
  const handle = await stack.client.workflow.start(MONITOR_WORKFLOW_TYPE, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId,
    args: [{ model, windowEnd, settleMs: 0 }],
  });
  return { ...((await handle.result()) as MonitorResult), workflowId };
}

/** A model name unique to this test run (retrain ids and schedules live on the shared dev server). */
export const uniqueModel = (stem: string): string => `${stem}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
