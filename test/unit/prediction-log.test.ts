import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetPaths, FilePredictionLog, PredictionStore, predictionLogLayout } from '../../src/adapters';
import type { PredictionRecord } from '../../src/domain';
import { tempDir } from '../support/paths';

const dirs = () => {
  const root = tempDir('prediction-log');
  return { predictionLogDir: join(root, 'predictions'), labelDir: join(root, 'labels'), retrainDir: join(root, 'retrain') };
};

const record = (i: number, at: string, model = 'weather'): PredictionRecord => ({
  requestId: `req-${i}`,
  row: 0,
  at,
  model,
  version: 1,
  role: 'primary',
  features: { temp_max: i, location: i % 2 ? 'Seattle' : 'New York' },
  label: 'sun',
  probabilities: { sun: 0.75, rain: 0.25 },
});

test('record() only buffers; close() writes every record, one hourly file per model and writer', async () => {
  const d = dirs();
  const log = new FilePredictionLog(d.predictionLogDir, { flushMs: 60_000, maxBuffered: 1_000_000 });
  for (let i = 0; i < 10_000; i++) log.record(record(i, i < 6_000 ? '2026-11-22T10:59:59.000Z' : '2026-11-22T11:00:00.000Z'));
  expect(log.writtenCount).toBe(0); // nothing touched the disk on the request path
  await log.close();
  expect(log.writtenCount).toBe(10_000);
  const files = readdirSync(join(d.predictionLogDir, 'weather')).sort();
  expect(files.map((f) => f.slice(0, 13))).toEqual(['2026-11-22T10', '2026-11-22T11']);
  expect(files.map((f) => predictionLogLayout.hourOf(f))).toEqual([Date.parse('2026-11-22T10:00:00Z'), Date.parse('2026-11-22T11:00:00Z')]);
  const lines = files.flatMap((f) => readFileSync(join(d.predictionLogDir, 'weather', f), 'utf8').trim().split('\n'));
  expect(lines).toHaveLength(10_000);
  expect(JSON.parse(lines[0] as string)).toEqual(record(0, '2026-11-22T10:59:59.000Z'));

  const store = await PredictionStore.open(d, new DatasetPaths([]));
  try {
    const window = await store.readWindow({
      model: 'weather',
      window: { start: '2026-11-22T10:30:00.000Z', end: '2026-11-22T11:00:00.000Z' },
      features: [{ name: 'temp_max', type: 'numeric' }, { name: 'location', type: 'categorical' }],
    });
    expect(window.rows).toBe(6_000);
    expect(window.columns['temp_max']?.present).toBe(6_000);
    expect(new Set(window.columns['location']?.values)).toEqual(new Set(['Seattle', 'New York']));
  } finally {
    store.close();
  }
});

test('a failed write keeps its records for the next flush; nothing is lost or torn', async () => {
  const d = dirs();
  const log = new FilePredictionLog(d.predictionLogDir, { flushMs: 60_000 });
  // A file where the model's directory should be makes the write fail.
  mkdirSync(d.predictionLogDir, { recursive: true });
  writeFileSync(join(d.predictionLogDir, 'weather'), 'in the way');
  for (let i = 0; i < 50; i++) log.record(record(i, '2026-11-22T12:00:00.000Z'));
  log.record(record(99, '2026-11-22T12:00:00.000Z', 'other'));
  await expect(log.flush()).rejects.toThrow();
  for (let i = 50; i < 60; i++) log.record(record(i, '2026-11-22T12:00:00.000Z'));
  rmSync(join(d.predictionLogDir, 'weather'));
  await log.close();
  const lines = (model: string) => readdirSync(join(d.predictionLogDir, model)).flatMap((f) => readFileSync(join(d.predictionLogDir, model, f), 'utf8').split('\n').filter(Boolean));
  expect(lines('weather').map((l) => (JSON.parse(l) as PredictionRecord).requestId)).toEqual(Array.from({ length: 60 }, (_, i) => `req-${i}`));
  expect(lines('other')).toHaveLength(1);
});

test('backpressure: past its backlog the log asks the server to wait, and lets it go once the writer caught up', async () => {
  const d = dirs();
  const one = record(0, '2026-11-22T12:00:00.000Z');
  // Room for a little over 10 records (each: its JSON plus the model, time and framing around it).
  const log = new FilePredictionLog(d.predictionLogDir, { flushMs: 60_000, maxBuffered: 1_000_000, maxBacklogBytes: 11 * JSON.stringify(one).length });
  for (let i = 0; i < 5; i++) log.record(record(i, '2026-11-22T12:00:00.000Z'));
  expect(log.backpressure()).toBeNull();
  for (let i = 5; i < 20; i++) log.record(record(i, '2026-11-22T12:00:00.000Z'));
  const waiting = log.backpressure();
  expect(waiting).not.toBeNull();
  let released = false;
  void waiting?.then(() => (released = true));
  await log.flush();
  await waiting;
  expect(released).toBe(true);
  expect(log.backpressure()).toBeNull();
  expect(log.writtenCount).toBe(20);
  await log.close();
});
