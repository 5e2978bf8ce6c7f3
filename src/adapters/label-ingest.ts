import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { localUserFile, sha256File } from './duckdb-datasets';
import { predictionLogSource, type PredictionStore } from './prediction-store';
import { quoteString } from './duckdb-sql';
import { duckDbReason } from './duckdb-errors';
import { PathNotAllowedError } from './dataset-paths';

/** A labels file that cannot be ingested; nothing was stored. */
export class LabelsError extends Error {
  override name = 'LabelsError';
}

export interface LabelIngestResult {
  readonly file: string;
  /** Rows in the file. */
  readonly rows: number;
  /** Labels stored (distinct predictions found in the prediction log). */
  readonly stored: number;
  readonly byModel: Record<string, number>;
  readonly skipped: { readonly unknownRequestIds: number; readonly invalidValues: number; readonly repeated: number };
  readonly unknownExamples: string[];
  readonly ignoredColumns: string[];
  /** Where the labels were stored (blob URI); the same file ingested twice is stored once. */
  readonly storedAt: string;
  readonly alreadyIngested: boolean;
}

const REQUIRED = ['request_id', 'label'];
/** Optional: the prediction's index in a batch request (default 0, as for single-row requests). */
const ROW = 'row';

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

const described = (id: string, row: number) => (row === 0 ? id : `${id} row ${row}`);

/**
 * Ingests ground truth for served predictions: a CSV or NDJSON file with `request_id`, `label` and, for rows
 * of batch requests, `row` (default 0). Predictions are matched against the prediction log (of `model`, or of
 * every model); unknown ones and invalid values are skipped and counted (`strict` refuses the file instead);
 * a prediction given two different labels refuses the file. The labels are written as one Parquet file,
 * atomically (temp file + rename): all or nothing.
 */
export async function ingestLabels(store: PredictionStore, file: string, options: { model?: string; strict?: boolean; now?: Date } = {}): Promise<LabelIngestResult> {
  const notFound = (p: string) => new LabelsError(`labels file not found: ${p}`);
  const { file: path, uri: sourceUri } = await localUserFile(store.paths, store.blobs, file, 'labels file', notFound).catch(
    (err: unknown) => {
      throw err instanceof PathNotAllowedError ? new LabelsError(err.message) : err;
    },
  );
  const info = await stat(path);
  if (!info.isFile()) throw new LabelsError(`labels file not found: ${path}`);
  if (info.size === 0) throw new LabelsError(`labels file ${path} is empty (0 bytes): nothing to ingest`);
  const source = sourceOf(path);
  const logFiles = await store.logFiles(options.model ?? null);
  const contentId = createHash('sha256').update(`${await sha256File(path)}\n${options.model ?? ''}`).digest('hex');
  const key = `labels/${contentId}.parquet`;
  const storedAt = store.blobs.uriOf(key);
  const localCopy = join(resolve(store.dirs.labelDir), `${contentId}.parquet`);

  return store.withConnection(async (c) => {
    let columns: string[];
    try {
      columns = await firstValues(c, `SELECT column_name FROM (DESCRIBE SELECT * FROM ${source})`);
    } catch (err) {
      throw new LabelsError(`cannot read labels file ${path}: ${duckDbReason(err)}`);
    }
    const missing = REQUIRED.filter((r) => !columns.includes(r));
    if (missing.length) throw new LabelsError(`labels file ${path} needs the columns request_id and label; missing ${missing.join(', ')} (found: ${columns.join(', ') || 'none'})`);
    const rowExpr = columns.includes(ROW) ? `TRY_CAST(trim("row"::VARCHAR) AS INTEGER)` : '0';
    await c.run(`CREATE TEMP TABLE incoming AS SELECT trim(request_id::VARCHAR) AS request_id, ${rowExpr} AS "row", trim(label::VARCHAR) AS label FROM ${source}`);
    const rows = await count(c, `SELECT count(*)::DOUBLE AS n FROM incoming`);
    if (rows === 0) throw new LabelsError(`labels file ${path} has no rows`);
    const isValid = `coalesce(request_id, '') <> '' AND coalesce(label, '') <> '' AND coalesce("row", -1) >= 0`;
    const invalidValues = await count(c, `SELECT count(*)::DOUBLE AS n FROM incoming WHERE NOT (${isValid})`);
    await c.run(`CREATE TEMP TABLE valid AS SELECT DISTINCT request_id, "row", label FROM incoming WHERE ${isValid}`);
    const conflicts = (await c.runAndReadAll(`SELECT request_id, "row" FROM valid GROUP BY request_id, "row" HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 5`)).getRowObjectsJS();
    if (conflicts.length) {
      throw new LabelsError(`labels file ${path} gives different labels to the same prediction (e.g. ${conflicts.map((r) => described(String(r['request_id']), Number(r['row']))).join(', ')}); nothing stored`);
    }
    const validRows = await count(c, `SELECT count(*)::DOUBLE AS n FROM incoming WHERE ${isValid}`);
    const known = logFiles.length
      ? `SELECT DISTINCT requestId AS request_id, "row", model FROM ${predictionLogSource(logFiles)} WHERE requestId IN (SELECT request_id FROM valid)`
      : `SELECT NULL::VARCHAR AS request_id, NULL::INTEGER AS "row", NULL::VARCHAR AS model WHERE false`;
    await c.run(`CREATE TEMP TABLE matched AS SELECT v.request_id, v."row", k.model, v.label FROM valid v JOIN (${known}) k USING (request_id, "row")`);
    const unknown = `FROM valid v WHERE NOT EXISTS (SELECT 1 FROM matched m WHERE m.request_id = v.request_id AND m."row" = v."row")`;
    const unknownRequestIds = await count(c, `SELECT count(*)::DOUBLE AS n ${unknown}`);
    const unknownExamples = (await c.runAndReadAll(`SELECT v.request_id, v."row" ${unknown} ORDER BY 1, 2 LIMIT 5`)).getRowObjectsJS().map((r) => described(String(r['request_id']), Number(r['row'])));
    const perModel = (await c.runAndReadAll(`SELECT model, count(*)::DOUBLE AS n FROM matched GROUP BY model ORDER BY model`)).getRowObjectsJS();
    const byModel = Object.fromEntries(perModel.map((r) => [String(r['model']), Number(r['n'])]));
    const stored = Object.values(byModel).reduce((a, b) => a + b, 0);
    const skipped = { unknownRequestIds, invalidValues, repeated: validRows - (await count(c, `SELECT count(*)::DOUBLE AS n FROM valid`)) };
    const scope = options.model ? `the prediction log of ${options.model}` : 'the prediction log';
    if (stored === 0) throw new LabelsError(`none of the ${rows} rows of ${path} names a prediction found in ${scope} (e.g. ${unknownExamples.join(', ') || 'none'}); nothing stored`);
    if (options.strict && (unknownRequestIds > 0 || invalidValues > 0)) {
      throw new LabelsError(`--strict: ${unknownRequestIds} predictions not found in ${scope} (e.g. ${unknownExamples.join(', ')}), ${invalidValues} rows with an empty request_id or label or a bad row; nothing stored`);
    }
    const result = { file: sourceUri.startsWith('s3://') ? sourceUri : path, rows, stored, byModel, skipped, unknownExamples, ignoredColumns: columns.filter((col) => !REQUIRED.includes(col) && col !== ROW), storedAt };
    if (await store.blobs.head(storedAt)) return { ...result, alreadyIngested: true };
    await mkdir(resolve(store.dirs.labelDir), { recursive: true });
    const tmp = `${localCopy}.${process.pid}.${Date.now()}.tmp`;
    const at = (options.now ?? new Date()).toISOString();
    try {
      await c.run(
        `COPY (SELECT request_id, "row", model, label, TIMESTAMPTZ ${quoteString(at)} AS ingested_at, ${quoteString(sourceUri)} AS source FROM matched ORDER BY model, request_id, "row")
         TO ${quoteString(tmp)} (FORMAT parquet)`,
      );
      await rename(tmp, localCopy);
      await store.blobs.putFile(key, localCopy);
    } finally {
      await rm(tmp, { force: true });
    }
    return { ...result, alreadyIngested: false };
  });
}
