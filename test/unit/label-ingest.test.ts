import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DatasetPaths, FilePredictionLog, PredictionStore, ingestLabels, LabelsError } from '../../src/adapters';
import { tempDir } from '../support/paths';

let store: PredictionStore;
let root: string;

beforeAll(async () => {
  root = tempDir('labels');
  const dirs = { predictionLogDir: join(root, 'predictions'), labelDir: join(root, 'labels'), retrainDir: join(root, 'retrain') };
  const log = new FilePredictionLog(dirs.predictionLogDir, { flushMs: 60_000 });
  const at = new Date().toISOString();
  const record = (model: string, requestId: string, row = 0) => log.record({ requestId, row, at, model, version: 1, role: 'primary', features: {}, label: 'sun', probabilities: { sun: 1 } });
  for (const id of ['a', 'b', 'c', 'd', 'e']) record('weather', id);
  for (const id of ['x', 'y']) record('other', id);
  for (const row of [0, 1, 2]) record('weather', 'batch-1', row);
  await log.close();
  store = await PredictionStore.open(dirs, new DatasetPaths([tmpdir()]));
});
afterAll(() => store?.close());

const file = (name: string, text: string): string => {
  const path = join(tempDir('labels-file'), name);
  writeFileSync(path, text);
  return path;
};
const stored = () => readdirSync(join(root, 'labels')).filter((f) => f.endsWith('.parquet'));

test('wrong columns, unknown format, unknown ids only, conflicting labels: refused with a clear message, nothing stored', async () => {
  await expect(ingestLabels(store, file('l.csv', 'id,y\na,sun\n'))).rejects.toThrow(/needs the columns request_id and label; missing request_id, label \(found: id, y\)/);
  await expect(ingestLabels(store, file('l.txt', 'request_id,label\na,sun\n'))).rejects.toThrow(/use \.csv, \.ndjson/);
  await expect(ingestLabels(store, file('l.csv', 'request_id,label\nzz,sun\n'))).rejects.toThrow(/none of the 1 rows .* names a prediction found in the prediction log \(e\.g\. zz\); nothing stored/);
  await expect(ingestLabels(store, file('l.csv', 'request_id,label\na,sun\na,rain\n'))).rejects.toThrow(/different labels to the same prediction \(e\.g\. a\)/);
  await expect(ingestLabels(store, file('l.csv', 'request_id,label\n'))).rejects.toThrow(LabelsError);
  await expect(ingestLabels(store, join(root, 'missing.csv'))).rejects.toThrow(/labels file not found/);
  await expect(ingestLabels(store, '/etc/passwd')).rejects.toThrow(/labels file \/etc\/passwd is outside the dataset roots/);
  expect(readdirSync(root)).not.toContain('labels');
});

test('--strict refuses a file with unknown ids or empty values; the default stores the rest and counts what it skipped', async () => {
  const text = 'request_id,label,comment\na,sun,ok\nb,rain,\nb,rain,repeated\nghost,fog,\nc,,empty label\nx,snow,\n';
  await expect(ingestLabels(store, file('l.csv', text), { strict: true })).rejects.toThrow(/--strict: 1 predictions not found .*\(e\.g\. ghost\), 1 rows with an empty request_id or label or a bad row; nothing stored/);
  expect(readdirSync(root)).not.toContain('labels');

  const path = file('l.csv', text);
  const r = await ingestLabels(store, path);
  expect(r).toMatchObject({ rows: 6, stored: 3, byModel: { weather: 2, other: 1 }, skipped: { unknownRequestIds: 1, invalidValues: 1, repeated: 1 }, unknownExamples: ['ghost'], ignoredColumns: ['comment'], alreadyIngested: false });
  expect(stored()).toHaveLength(1);
  expect(await ingestLabels(store, path)).toMatchObject({ stored: 3, alreadyIngested: true });
  expect(stored()).toHaveLength(1);
});

test('rows of a batch request are labelled with the row column', async () => {
  const r = await ingestLabels(store, file('l.csv', 'request_id,row,label\nbatch-1,0,sun\nbatch-1,2,rain\nbatch-1,7,fog\nbatch-1,-1,fog\nbatch-1,one,fog\n'));
  expect(r).toMatchObject({ rows: 5, stored: 2, skipped: { unknownRequestIds: 1, invalidValues: 2 }, unknownExamples: ['batch-1 row 7'], ignoredColumns: [] });
});

test('NDJSON labels, restricted to one model', async () => {
  const r = await ingestLabels(store, file('l.ndjson', '{"request_id":"d","label":"rain"}\n{"request_id":"y","label":"sun"}\n'), { model: 'weather' });
  expect(r).toMatchObject({ stored: 1, byModel: { weather: 1 }, skipped: { unknownRequestIds: 1 }, unknownExamples: ['y'] });
});
