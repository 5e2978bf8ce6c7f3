import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkEncoder, decodeChunk } from '../../src/adapters/prediction-log-codec';
import { PredictionLogFiles } from '../../src/adapters/prediction-log-files';
import { scoredRecords, type ScoredRequest } from '../../src/domain';
import { tempDir } from '../support/paths';

const features = [
  { name: 'location', type: 'categorical' as const },
  { name: 'temp "max"', type: 'numeric' as const },
  { name: 'windy', type: 'categorical' as const },
];
const classes = ['sun', 'rain', 'snow ❄'];

const classified = (requestId: string, rows: ScoredRequest['rows'], role: ScoredRequest['role'] = 'primary'): ScoredRequest => {
  const probabilities = Float64Array.from(rows.flatMap((_, i) => [0.1 + i / 1000, 1 / 3, 0.9 - i / 1000 - 1 / 3]));
  const labels = Uint16Array.from(rows.map((_, i) => i % 3));
  return { requestId, at: Date.parse('2026-12-01T13:59:59.999Z'), model: 'weather', version: 3, role, features, rows, outcome: { kind: 'classification', classes, labels, probabilities } };
};

test('decoded lines are byte for byte the JSON of the records the requests stand for', () => {
  const encoder = new ChunkEncoder(64); // tiny: the chunk grows several times
  const odd = { location: 'Zürich "north"\n\u2028', 'temp "max"': -0, windy: true };
  const requests: ScoredRequest[] = [
    classified('req-1', [{ location: 'Seattle', 'temp "max"': 12.8, windy: null }, odd]),
    classified('client id with "quotes" ✓', [{ location: 7, 'temp "max"': 1e-300, windy: false }], 'canary'),
    {
      requestId: 'reg-1',
      at: Date.parse('2026-12-01T14:00:00.000Z'),
      model: 'temperature',
      version: 1,
      role: 'primary',
      features: [{ name: 'wind', type: 'numeric' }],
      rows: [{ wind: 4.7 }, { wind: null }],
      outcome: { kind: 'regression', values: Float64Array.from([12.345678901234567, -0.5]) },
    },
    classified('req-2', Array.from({ length: 50 }, (_, i) => ({ location: `city-${i}`, 'temp "max"': i / 7, windy: i % 2 === 0 })), 'shadow'),
  ];
  const expected: string[] = [];
  for (const r of requests) {
    encoder.scored(r);
    expected.push(...scoredRecords(r).map((p) => JSON.stringify(p)));
  }
  const generic = { ...scoredRecords(requests[0] as ScoredRequest)[0]!, requestId: 'generic' };
  encoder.line(generic.model, generic.at, JSON.stringify(generic));
  expected.push(JSON.stringify(generic));
  expect(encoder.records).toBe(expected.length);

  const lines = decodeChunk(encoder.take());
  expect(lines.map((l) => l.json)).toEqual(expected);
  expect(lines.map((l) => `${l.model} ${l.at}`).slice(0, 4)).toEqual([
    'weather 2026-12-01T13:59:59.999Z',
    'weather 2026-12-01T13:59:59.999Z',
    'weather 2026-12-01T13:59:59.999Z',
    'temperature 2026-12-01T14:00:00.000Z',
  ]);
  expect(encoder.isEmpty).toBe(true);
  expect(encoder.records).toBe(0);
});

test('each chunk carries its own schemas, so any chunk decodes on its own', () => {
  const encoder = new ChunkEncoder();
  encoder.scored(classified('a', [{ location: 'Seattle', 'temp "max"': 1, windy: null }]));
  decodeChunk(encoder.take());
  encoder.scored(classified('b', [{ location: 'Seattle', 'temp "max"': 2, windy: null }]));
  const [line] = decodeChunk(encoder.take());
  expect(JSON.parse(line!.json)).toMatchObject({ requestId: 'b', model: 'weather', version: 3, features: { 'temp "max"': 2 } });
});

test('an unknown record tag is refused with where it was found', () => {
  expect(() => decodeChunk(Uint8Array.from([9]))).toThrow('unknown record tag 9 at byte 0');
});

test('a chunk\'s lines go to the file of their model and hour, with the times toISOString writes', async () => {
  const dir = tempDir('log-codec-files');
  const files = new PredictionLogFiles(dir, 'w1');
  const encoder = new ChunkEncoder();
  const sent: { model: string; at: number }[] = [
    { model: 'weather', at: Date.parse('2026-12-01T10:59:59.998Z') },
    { model: 'weather', at: Date.parse('2026-12-01T10:59:59.999Z') },
    { model: 'weather', at: Date.parse('2026-12-01T11:00:00.000Z') },
    { model: 'rain', at: Date.parse('2026-12-01T11:00:00.007Z') },
    { model: 'weather', at: Date.parse('2026-12-01T10:59:59.999Z') }, // a late one goes back to its hour's file
    { model: 'weather', at: Date.parse('2026-12-01T11:00:01.070Z') },
  ];
  sent.forEach(({ model, at }, i) => encoder.scored({ ...classified(`r${i}`, [{ location: 'Oslo', 'temp "max"': i, windy: null }]), model, at }));
  files.addChunk(encoder.take());
  expect((await files.writePending()).error).toBeNull();

  const read = (model: string, hour: string) =>
    readFileSync(join(dir, model, `${hour}.w1.ndjson`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { requestId: string; at: string });
  const iso = (i: number) => new Date((sent[i] as { at: number }).at).toISOString();
  expect(read('weather', '2026-12-01T10').map((l) => [l.requestId, l.at])).toEqual([['r0', iso(0)], ['r1', iso(1)], ['r4', iso(4)]]);
  expect(read('weather', '2026-12-01T11').map((l) => [l.requestId, l.at])).toEqual([['r2', iso(2)], ['r5', iso(5)]]);
  expect(read('rain', '2026-12-01T11').map((l) => [l.requestId, l.at])).toEqual([['r3', iso(3)]]);
  expect(files.written).toBe(6);
});
