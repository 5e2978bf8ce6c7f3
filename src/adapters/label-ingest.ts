import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sha256File } from './duckdb-datasets';
import { predictionLogSource, quoteString, type PredictionStore } from './prediction-store';

/** A labels file that cannot be ingested; nothing was stored. */
export class LabelsError extends Error {
  override name = 'LabelsError';
}

export interface LabelIngestResult {
  readonly file: string;
  /** Rows in the file. */
  readonly rows: number;
  /** Labels stored (distinct request ids found in the prediction log). */
  readonly stored: number;
  readonly byModel: Record<string, number>;
  readonly skipped: { readonly unknownRequestIds: number; readonly emptyValues: number; readonly repeated: number };
  readonly unknownExamples: string[];
  readonly ignoredColumns: string[];
  /** Where the labels were stored; the same file ingested twice is stored once. */
  readonly storedAt: string;
  readonly alreadyIngested: boolean;
}

const REQUIRED = ['request_id', 'label'];

function sourceOf(path: string): string {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return `read_csv(${quoteString(path)}, header = true, all_varchar = true)`;
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return `read_json(${quoteString(path)}, format = 'auto')`;
  throw new LabelsError(`labels file ${path}: use .csv, .ndjson, .jsonl or .json`);
}

async function count(c: DuckDBConnection, sql: string): Promise<number> {
  const r = await c.runAndReadAll(sql);
  return Number(r.getRowObjectsJS()[0]?.['n'] ?? 0);
}

async function firstValues(c: DuckDBConnection, sql: string): Promise<string[]> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS().map((r) => String(Object.values(r)[0]));
}

/**
 * Ingests ground truth for served predictions: a CSV or NDJSON file with `request_id` and `label`. Ids
 * are matched against the prediction log (of `model`, or of every model); unknown ids and empty values are
 * skipped and counted (`strict` refuses the file instead); a request id given two different labels refuses
 * the file. The labels are written as one Parquet file, atomically (temp file + rename): all or nothing.
 */
export async function ingestLabels(store: PredictionStore, file: string, options: { model?: string; strict?: boolean; now?: Date } = {}): Promise<LabelIngestResult> {
  const path = resolve(file);
  if (!(await stat(path).catch(() => null))?.isFile()) throw new LabelsError(`labels file not found: ${path}`);
  const source = sourceOf(path);
  const logFiles = await store.logFiles(options.model ?? null);
  const contentId = createHash('sha256').update(`${await sha256File(path)}\n${options.model ?? ''}`).digest('hex');
  const storedAt = join(resolve(store.dirs.labelDir), `${contentId}.parquet`);

  return store.withConnection(async (c) => {
    let columns: string[];
    try {
      columns = await firstValues(c, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${source})`);
    } catch (err) {
      throw new LabelsError(`cannot read labels file ${path}: ${(err as Error).message.split('\n')[0]}`);
    }
    const missing = REQUIRED.filter((r) => !columns.includes(r));
    if (missing.length) throw new LabelsError(`labels file ${path} needs the columns request_id and label; missing ${missing.join(', ')} (found: ${columns.join(', ') || 'none'})`);
    await c.run(`CREATE TEMP TABLE incoming AS SELECT trim(request_id::VARCHAR) AS request_id, trim(label::VARCHAR) AS label FROM ${source}`);
    const rows = await count(c, `SELECT count(*)::DOUBLE AS n FROM incoming`);
    if (rows === 0) throw new LabelsError(`labels file ${path} has no rows`);
    const emptyValues = await count(c, `SELECT count(*)::DOUBLE AS n FROM incoming WHERE coalesce(request_id, '') = '' OR coalesce(label, '') = ''`);
    await c.run(`CREATE TEMP TABLE valid AS SELECT DISTINCT request_id, label FROM incoming WHERE coalesce(request_id, '') <> '' AND coalesce(label, '') <> ''`);
    const conflicts = await firstValues(c, `SELECT request_id FROM valid GROUP BY request_id HAVING count(*) > 1 ORDER BY 1 LIMIT 5`);
    if (conflicts.length) throw new LabelsError(`labels file ${path} gives different labels to the same request id (e.g. ${conflicts.join(', ')}); nothing stored`);
    const validRows = await count(c, `SELECT count(*)::DOUBLE AS n FROM incoming WHERE coalesce(request_id, '') <> '' AND coalesce(label, '') <> ''`);
    const known = logFiles.length
      ? `SELECT DISTINCT requestId AS request_id, model FROM ${predictionLogSource(logFiles)} WHERE requestId IN (SELECT request_id FROM valid)`
      : `SELECT NULL::VARCHAR AS request_id, NULL::VARCHAR AS model WHERE false`;
    await c.run(`CREATE TEMP TABLE matched AS SELECT v.request_id, k.model, v.label FROM valid v JOIN (${known}) k USING (request_id)`);
    const unknownRequestIds = await count(c, `SELECT count(*)::DOUBLE AS n FROM valid WHERE request_id NOT IN (SELECT request_id FROM matched)`);
    const unknownExamples = await firstValues(c, `SELECT request_id FROM valid WHERE request_id NOT IN (SELECT request_id FROM matched) ORDER BY 1 LIMIT 5`);
    const perModel = (await c.runAndReadAll(`SELECT model, count(*)::DOUBLE AS n FROM matched GROUP BY model ORDER BY model`)).getRowObjectsJS();
    const byModel = Object.fromEntries(perModel.map((r) => [String(r['model']), Number(r['n'])]));
    const stored = Object.values(byModel).reduce((a, b) => a + b, 0);
    const skipped = { unknownRequestIds, emptyValues, repeated: validRows - (await count(c, `SELECT count(*)::DOUBLE AS n FROM valid`)) };
    const scope = options.model ? `the prediction log of ${options.model}` : 'the prediction log';
    if (stored === 0) throw new LabelsError(`none of the ${rows} rows of ${path} names a request id found in ${scope} (e.g. ${unknownExamples.join(', ') || 'none'}); nothing stored`);
    if (options.strict && (unknownRequestIds > 0 || emptyValues > 0)) {
      throw new LabelsError(`--strict: ${unknownRequestIds} request ids not found in ${scope} (e.g. ${unknownExamples.join(', ')}), ${emptyValues} rows with an empty request_id or label; nothing stored`);
    }
    const result = { file: path, rows, stored, byModel, skipped, unknownExamples, ignoredColumns: columns.filter((col) => !REQUIRED.includes(col)), storedAt };
    if (await stat(storedAt).catch(() => null)) return { ...result, alreadyIngested: true };
    await mkdir(resolve(store.dirs.labelDir), { recursive: true });
    const tmp = `${storedAt}.${process.pid}.${Date.now()}.tmp`;
    const at = (options.now ?? new Date()).toISOString();
    try {
      await c.run(`COPY (SELECT request_id, model, label, TIMESTAMPTZ ${quoteString(at)} AS ingested_at, ${quoteString(path)} AS source FROM matched ORDER BY model, request_id) TO ${quoteString(tmp)} (FORMAT parquet)`);
      await rename(tmp, storedAt);
    } finally {
      await rm(tmp, { force: true });
    }
    return { ...result, alreadyIngested: false };
  });
}
