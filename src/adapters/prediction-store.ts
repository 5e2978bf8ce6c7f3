import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { blobName, type BlobStore, type LabelledPrediction, type MonitorWindow, type WindowData } from '../domain';
import { LocalBlobStore } from './local-blob-store';
import type { FeatureRef } from '../domain/ml';
import { DatasetError, readUserDataset, type DatasetSource } from './duckdb-datasets';
import type { DatasetPaths } from './dataset-paths';
import { openSandboxedDuckDb } from './duckdb-sandbox';
import { predictionLogLayout } from './prediction-log';
import { quoteIdent, quoteString } from './duckdb-sql';
import { duckDbReason } from './duckdb-errors';

/** The retrain dataset's column telling base rows ('base') from labelled served predictions ('labelled'). */
export const RETRAIN_SOURCE_COLUMN = 'mlops_source';

const jsonPath = (key: string): string => quoteString(`$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
const timestamp = (iso: string): string => `TIMESTAMPTZ ${quoteString(iso)}`;

/** DuckDB table function over prediction log files (one `PredictionRecord` per line); a torn line is skipped. */
export function predictionLogSource(files: readonly string[]): string {
  return `read_json([${files.map(quoteString).join(', ')}], format = 'newline_delimited', ignore_errors = true,
    columns = {'requestId': 'VARCHAR', 'row': 'INTEGER', 'at': 'TIMESTAMPTZ', 'model': 'VARCHAR', 'version': 'INTEGER', 'role': 'VARCHAR',
               'features': 'JSON', 'label': 'VARCHAR', 'probabilities': 'JSON'})`;
}

/** Served traffic: shadow copies repeat a request another version answered, so they are not counted. */
const SERVED = `role IN ('primary', 'canary')`;

export interface MonitoringDirs {
  readonly predictionLogDir: string;
  readonly labelDir: string;
  readonly retrainDir: string;
}

/**
 * Reads the prediction log and the delayed labels with DuckDB: the feature columns of a window, the
 * labelled predictions of a version, and the retrain dataset (base data + labelled traffic) as Parquet.
 * All three are blobs (`predictions/<model>/…ndjson`, `labels/<id>.parquet`, `retrain/<model>/<key>.parquet`);
 * DuckDB reads local copies. `dirs` are where new files are written before they are stored.
 */
export class PredictionStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly dirs: MonitoringDirs,
    /** Where labels files and retrain base datasets may come from. */
    readonly paths: DatasetPaths,
    readonly blobs: BlobStore,
  ) {}

  /**
   * DuckDB may touch only the monitoring folders, the dataset roots and the blob cache (see `openSandboxedDuckDb`).
   * @param blobs the blob store; default: the local folder above the prediction log's (tools and tests).
   */
  static async open(dirs: MonitoringDirs, paths: DatasetPaths, blobs?: BlobStore): Promise<PredictionStore> {
    const store = blobs ?? new LocalBlobStore(dirname(resolve(dirs.predictionLogDir)));
    const own = [dirs.retrainDir, dirs.predictionLogDir, dirs.labelDir];
    await mkdir(dirs.retrainDir, { recursive: true }); // DuckDB's spill folder goes in it
    const instance = await openSandboxedDuckDb([...own, ...paths.roots, ...store.localDirs]);
    return new PredictionStore(instance, dirs, paths, store);
  }

  /** Local copies of the blobs under `keyPrefix` whose name passes `keep`, in key order. */
  private async localCopies(keyPrefix: string, keep: (name: string) => boolean): Promise<string[]> {
    const heads = (await this.blobs.list(keyPrefix)).filter((h) => keep(blobName(h.uri)));
    return Promise.all(heads.map((h) => this.blobs.localFile(h.uri)));
  }

  async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Log files of a model (or of every model) whose hour overlaps [fromMs, toMs). */
  async logFiles(model: string | null, fromMs = -Infinity, toMs = Infinity): Promise<string[]> {
    const prefix = model === null ? 'predictions/' : `predictions/${encodeURIComponent(model)}/`;
    return this.localCopies(prefix, (name) => {
      const hour = predictionLogLayout.hourOf(name);
      return hour !== null && hour + 3_600_000 > fromMs && hour < toMs;
    });
  }

  /** Stored label files (one Parquet file per ingested labels file). */
  async labelFiles(): Promise<string[]> {
    return this.localCopies('labels/', (name) => name.endsWith('.parquet'));
  }

  /** The latest label per prediction (request id, row) of a model, as a SQL subquery (request_id, row, label). */
  private labelsQuery(files: readonly string[], model: string): string {
    return `SELECT request_id, "row", arg_max(label, ingested_at) AS label FROM read_parquet([${files.map(quoteString).join(', ')}])
            WHERE model = ${quoteString(model)} GROUP BY request_id, "row"`;
  }

  private windowFilter(model: string, window: MonitorWindow): string {
    return `model = ${quoteString(model)} AND ${SERVED} AND "at" >= ${timestamp(window.start)} AND "at" < ${timestamp(window.end)}`;
  }

  private featureExpression(f: FeatureRef): string {
    const text = `json_extract_string(features, ${jsonPath(f.name)})`;
    return f.type === 'numeric' ? `TRY_CAST(${text} AS DOUBLE)` : text;
  }

  /** Feature values and predicted labels of the served predictions in the window. */
  async readWindow(q: { model: string; window: MonitorWindow; features: readonly FeatureRef[] }): Promise<WindowData> {
    const files = await this.logFiles(q.model, Date.parse(q.window.start), Date.parse(q.window.end));
    const empty: WindowData = { rows: 0, columns: Object.fromEntries(q.features.map((f) => [f.name, { present: 0, values: [] }])), predicted: [] };
    if (files.length === 0) return empty;
    // Parse each record's features once (json_keys + json_transform) rather than once per feature and path.
    const shape = quoteString(JSON.stringify(Object.fromEntries(q.features.map((f) => [f.name, 'VARCHAR']))));
    const select = [
      'predicted',
      ...q.features.flatMap((f, i) => {
        const text = `f.${quoteIdent(f.name)}`;
        return [`list_contains(keys, ${quoteString(f.name)}) AS has_${i}`, `${f.type === 'numeric' ? `TRY_CAST(${text} AS DOUBLE)` : text} AS v_${i}`];
      }),
    ].join(', ');
    return this.withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT ${select} FROM (
           SELECT label AS predicted, json_keys(features) AS keys, json_transform(features, ${shape}) AS f
           FROM ${predictionLogSource(files)} WHERE ${this.windowFilter(q.model, q.window)})`,
      );
      const cols = reader.getColumnsJS();
      const predicted = (cols[0] ?? []) as (string | null)[];
      const columns: WindowData['columns'] = Object.fromEntries(
        q.features.map((f, i) => {
          const has = (cols[1 + 2 * i] ?? []) as (boolean | null)[];
          const values = (cols[2 + 2 * i] ?? []) as (number | string | null)[];
          return [f.name, { present: has.filter(Boolean).length, values }];
        }),
      );
      return { rows: predicted.length, columns, predicted };
    });
  }

  /** Served predictions of one version in the window that have a label, with the probabilities returned. */
  async readLabelled(q: { model: string; version: number; window: MonitorWindow }): Promise<LabelledPrediction[]> {
    const labelFiles = await this.labelFiles();
    const files = await this.logFiles(q.model, Date.parse(q.window.start), Date.parse(q.window.end));
    if (labelFiles.length === 0 || files.length === 0) return [];
    return this.withConnection(async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT l.label AS truth, p.label AS predicted, p.probabilities::VARCHAR AS probabilities
         FROM (SELECT DISTINCT ON (requestId, "row") * FROM ${predictionLogSource(files)}
               WHERE ${this.windowFilter(q.model, q.window)} AND version = ${Math.trunc(q.version)}) p
         JOIN (${this.labelsQuery(labelFiles, q.model)}) l ON p.requestId = l.request_id AND p."row" = l."row"`,
      );
      return reader.getRowObjectsJS().map((r) => ({
        truth: String(r['truth']),
        predicted: String(r['predicted']),
        probabilities: JSON.parse(String(r['probabilities'] ?? '{}')) as Record<string, number>,
      }));
    });
  }

  /**
   * Writes the retrain dataset as Parquet: the base data (features + target) followed by the labelled
   * served predictions of `labelled` (their label as the target). `mlops_source` tells the rows apart.
   * Written once per key (temp file + rename); a retry reuses the finished file.
   */
  async materializeRetrainSet(q: {
    model: string;
    key: string;
    base: DatasetSource;
    features: readonly FeatureRef[];
    target: string;
    /** A regression target stays a number (labels are cast; text that is no number becomes null). */
    targetKind?: 'classification' | 'regression';
    labelled: MonitorWindow | null;
  }): Promise<{ path: string; baseRows: number; labelledRows: number }> {
    const name = `${encodeURIComponent(q.model)}/${q.key.replace(/[^A-Za-z0-9._-]/g, '_')}.parquet`;
    const uri = this.blobs.uriOf(`retrain/${name}`);
    const stored = await this.blobs.head(uri);
    const path = stored ? await this.blobs.localFile(uri, stored.sha256) : resolve(join(this.dirs.retrainDir, name));
    const t = quoteIdent(q.target);
    const targetAs = (expression: string) =>
      `${q.targetKind === 'regression' ? `TRY_CAST(${expression} AS DOUBLE)` : `${expression}::VARCHAR`} AS ${t}`;
    const baseCols = q.features.map((f) => (f.type === 'numeric' ? `TRY_CAST(${quoteIdent(f.name)} AS DOUBLE)` : `${quoteIdent(f.name)}::VARCHAR`) + ` AS ${quoteIdent(f.name)}`);
    const labelFiles = await this.labelFiles();
    const logFiles = q.labelled ? await this.logFiles(q.model, Date.parse(q.labelled.start), Date.parse(q.labelled.end)) : [];
    return this.withConnection(async (c) => {
      const base = await readUserDataset(c, this.paths, this.blobs, q.base, 'monitoring.retrain.dataset');
      const basePath = base.realPath;
      const parts = [`SELECT ${[...baseCols, targetAs(t), `'base' AS mlops_source`].join(', ')} FROM (${base.select})`];
      if (q.labelled && labelFiles.length && logFiles.length) {
        const cols = q.features.map((f) => `${this.featureExpression(f)} AS ${quoteIdent(f.name)}`);
        parts.push(
          // Ordered: the retrain's split (and so its model) must not depend on the join's output order.
          `(SELECT ${[...cols, targetAs('l.label'), `'labelled' AS mlops_source`].join(', ')}
           FROM (SELECT DISTINCT ON (requestId, "row") * FROM ${predictionLogSource(logFiles)} WHERE ${this.windowFilter(q.model, q.labelled)}) p
           JOIN (${this.labelsQuery(labelFiles, q.model)}) l ON p.requestId = l.request_id AND p."row" = l."row"
           ORDER BY p."at", p.requestId, p."row")`,
        );
      }
      if (!(await stat(path).catch(() => null))) {
        await mkdir(resolve(path, '..'), { recursive: true });
        const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
        try {
          await c.run(`COPY (${parts.join('\nUNION ALL\n')}) TO ${quoteString(tmp)} (FORMAT parquet)`);
        } catch (err) {
          await rm(tmp, { force: true });
          throw new DatasetError('unreadable', `cannot build the retrain dataset from ${basePath}: ${duckDbReason(err)}`);
        }
        await rename(tmp, path);
      }
      if (!stored) await this.blobs.putFile(`retrain/${name}`, path);
      const counted = await c.runAndReadAll(
        `SELECT count(*) FILTER (WHERE mlops_source = 'base')::DOUBLE AS base, count(*) FILTER (WHERE mlops_source = 'labelled')::DOUBLE AS labelled FROM read_parquet(${quoteString(path)})`,
      );
      const row = counted.getRowObjectsJS()[0] ?? {};
      return { path: uri, baseRows: Number(row['base'] ?? 0), labelledRows: Number(row['labelled'] ?? 0) };
    });
  }

  close(): void {
    this.instance.closeSync();
  }
}
