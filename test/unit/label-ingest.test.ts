import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilePredictionLog, PredictionStore, ingestLabels, LabelsError } from '../../src/adapters';
import { tempDir } from '../support/paths';

let store: PredictionStore;
let root: string;

beforeAll(async () => {
  root = tempDir('labels');
  const dirs = { predictionLogDir: join(root, 'predictions'), labelDir: join(root, 'labels'), retrainDir: join(root, 'retrain') };
  const log = new FilePredictionLog(dirs.predictionLogDir, { flushMs: 60_000 });
  const time = new Date().toISOString();
  for (const [model, ids] of [['weather', ['a', 'b', 'c', 'd', 'e']], ['other', ['x', 'y']]] as const) {
    for (const id of ids) log.record({ requestId: id, time, model, version: 1, role: 'primary', features: {}, output: { label: 'sun', probabilities: { sun: 1 } } });
  }
  await log.close();
  store = await PredictionStore.open(dirs);
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
  await expect(ingestLabels(store, file('l.csv', 'request_id,label\nzz,sun\n'))).rejects.toThrow(/none of the 1 rows .* names a request id found in the prediction log \(e\.g\. zz\); nothing stored/);
  await expect(ingestLabels(store, file('l.csv', 'request_id,label\na,sun\na,rain\n'))).rejects.toThrow(/different labels to the same request id \(e\.g\. a\)/);
  await expect(ingestLabels(store, file('l.csv', 'request_id,label\n'))).rejects.toThrow(LabelsError);
  await expect(ingestLabels(store, join(root, 'missing.csv'))).rejects.toThrow(/labels file not found/);
  expect(readdirSync(root)).not.toContain('labels');
});

test('--strict refuses a file with unknown ids or empty values; the default stores the rest and counts what it skipped', async () => {
  const text = 'request_id,label,comment\na,sun,ok\nb,rain,\nb,rain,repeated\nghost,fog,\nc,,empty label\nx,snow,\n';
  await expect(ingestLabels(store, file('l.csv', text), { strict: true })).rejects.toThrow(/--strict: 1 request ids not found .*\(e\.g\. ghost\), 1 rows with an empty request_id or label; nothing stored/);
  expect(readdirSync(root)).not.toContain('labels');

  const path = file('l.csv', text);
  const r = await ingestLabels(store, path);
  expect(r).toMatchObject({ rows: 6, stored: 3, byModel: { weather: 2, other: 1 }, skipped: { unknownRequestIds: 1, emptyValues: 1, repeated: 1 }, unknownExamples: ['ghost'], ignoredColumns: ['comment'], alreadyIngested: false });
  expect(stored()).toHaveLength(1);
  expect(await ingestLabels(store, path)).toMatchObject({ stored: 3, alreadyIngested: true });
  expect(stored()).toHaveLength(1);
});

test('NDJSON labels, restricted to one model', async () => {
  const r = await ingestLabels(store, file('l.ndjson', '{"request_id":"d","label":"rain"}\n{"request_id":"y","label":"sun"}\n'), { model: 'weather' });
  expect(r).toMatchObject({ stored: 1, byModel: { weather: 1 }, skipped: { unknownRequestIds: 1 }, unknownExamples: ['y'] });
});
