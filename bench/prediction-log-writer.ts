/**
 * Prediction log writer benchmark (not a test): the cost per logged row of the writer thread's work — decode the
 * binary chunks the model server encodes, format the JSON lines, append them to the files — against a baseline
 * measured in the same run: JSON.stringify of the same records and one append. Also the request thread's share
 * (encoding). Real weather rows, scored by a model trained on them.
 *   node dist/bench/prediction-log-writer.js [--requests 20000] [--rounds 5]
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChunkEncoder } from '../src/adapters/prediction-log-codec';
import { PredictionLogFiles } from '../src/adapters/prediction-log-files';
import { argmaxLabels, LoadedModel, trainModel } from '../src/domain/ml';
import { scoredRecords, type ScoredRequest } from '../src/domain';
import { featureRows, weatherFeatures, weatherRows } from '../test/support/weather-rows';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } } });
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
/** Rows per chunk, as the model server's log hands them over (its `maxBuffered`). */
const CHUNK_ROWS = 5000;

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const { artifact } = await trainModel(weatherRows(), {
    modelName: 'weather', datasetId: 'bench', target: 'weather', features: weatherFeatures, testFraction: 0.25,
    splitSeed: 42, epochs: 30, learningRate: 0.5, l2: 0.001, seed: 7, classWeight: 'none',
  });
  const model = new LoadedModel(artifact);
  const rows = featureRows();
  const request = (i: number, size: number): ScoredRequest => {
    const batch = Array.from({ length: size }, (_, r) => rows[(i * size + r) % rows.length] as (typeof rows)[number]);
    const probabilities = model.probabilityMatrix(batch);
    const labels = argmaxLabels(probabilities, artifact.classes.length);
    const outcome = { kind: 'classification' as const, classes: artifact.classes, labels, probabilities };
    return { requestId: `b0c1d2e3-${i}`, at: Date.now(), model: 'weather', version: 3, role: 'primary', features: artifact.features, rows: batch, outcome };
  };

  process.stdout.write(`prediction log writer: ${REQUESTS} requests a case, ${ROUNDS} rounds (median), µs of CPU per row\n`);
  for (const size of [1, 100]) {
    const requests = Array.from({ length: Math.max(1, Math.round(REQUESTS / size)) }, (_, i) => request(i, size));
    const totalRows = requests.length * size;
    const encode = () => {
      const chunks: Uint8Array[] = [];
      const encoder = new ChunkEncoder();
      for (const r of requests) {
        encoder.scored(r);
        if (encoder.records >= CHUNK_ROWS) chunks.push(encoder.take());
      }
      if (!encoder.isEmpty) chunks.push(encoder.take());
      return chunks;
    };
    const timings = { encode: [] as number[], writer: [] as number[], baseline: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'bench-log-'));
      let t = cpuMicros();
      const chunks = encode();
      timings.encode.push((cpuMicros() - t) / totalRows);

      const files = new PredictionLogFiles(join(dir, 'writer'), 'bench');
      t = cpuMicros();
      for (const chunk of chunks) {
        files.addChunk(chunk);
        const { error } = await files.writePending();
        if (error) throw error;
      }
      timings.writer.push((cpuMicros() - t) / totalRows);

      // Baseline: the records as objects, JSON.stringify, one append per chunk's worth of rows.
      const baselineFile = join(dir, 'baseline.ndjson');
      t = cpuMicros();
      let lines: string[] = [];
      for (const r of requests) {
        for (const record of scoredRecords(r)) lines.push(JSON.stringify(record));
        if (lines.length >= CHUNK_ROWS) {
          appendFileSync(baselineFile, `${lines.join('\n')}\n`);
          lines = [];
        }
      }
      if (lines.length) appendFileSync(baselineFile, `${lines.join('\n')}\n`);
      timings.baseline.push((cpuMicros() - t) / totalRows);
    }
    const [encodeUs, writerUs, baselineUs] = [median(timings.encode), median(timings.writer), median(timings.baseline)];
    process.stdout.write(
      `  ${String(size).padStart(3)}-row requests: writer ${writerUs.toFixed(2)} µs/row, baseline (JSON.stringify + append) ` +
        `${baselineUs.toFixed(2)} µs/row, writer / baseline ${(writerUs / baselineUs).toFixed(2)}x; ` +
        `request thread's encoding ${encodeUs.toFixed(2)} µs/row\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`prediction log writer benchmark failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
