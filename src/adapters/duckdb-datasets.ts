import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, rm } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { FilterSyntaxError, parseDatasetFilter, type ColumnProfile, type DatasetProfile, type DatasetSnapshot, type ModelSpec } from '../domain';
import type { Frame, Row } from '../domain/ml';
import { readFrame, type FrameColumnRequest } from './duckdb-frames';
import { quoteIdent, quoteString } from './duckdb-sql';
import { compileFilter } from './duckdb-filter';
import { PathNotAllowedError, type DatasetPaths } from './dataset-paths';
import { openSandboxedDuckDb } from './duckdb-sandbox';
import { duckDbReason } from './duckdb-errors';
import { duplicateCsvHeaders } from './csv-header';

/**
 * Thrown for problems with the dataset itself; the activity maps it to a non-retryable failure type.
 * `refused`: the spec asked for something not allowed (a path outside the roots, a bad filter).
 */
export class DatasetError extends Error {
  constructor(
    readonly kind: 'not-found' | 'unreadable' | 'refused',
    message: string,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

/** What a spec (or a monitoring policy) says about where its rows come from. */
export interface DatasetSource {
  readonly path: string;
  readonly format?: 'csv' | 'parquet' | undefined;
  readonly where?: string | undefined;
}

/**
 * The SQL that reads a user's dataset: the path confined to the dataset roots (after symlinks), the `where`
 * filter parsed, checked against the dataset's columns and compiled by us — never the user's text.
 * @param what names the spec field in messages ("dataset", "monitoring.retrain.dataset").
 * @throws DatasetError `refused` (path or filter not allowed), `not-found`, `unreadable`.
 */
export async function readUserDataset(
  c: DuckDBConnection,
  paths: DatasetPaths,
  dataset: DatasetSource,
  what = 'dataset',
): Promise<{ realPath: string; select: string }> {
  const realPath = await paths
    .confine(dataset.path, `${what}.path`, (p) => new DatasetError('not-found', `dataset not found: ${p}`))
    .catch((err: unknown) => {
      throw err instanceof PathNotAllowedError ? new DatasetError('refused', err.message) : err;
    });
  const info = await stat(realPath);
  if (!info.isFile()) throw new DatasetError('not-found', `dataset is not a file: ${realPath}`);
  if (info.size === 0) throw new DatasetError('unreadable', `dataset ${realPath} is empty (0 bytes)`);
  const source = datasetSourceExpression(realPath, dataset.format);
  if (datasetFormat(realPath, dataset.format) === 'csv') {
    // DuckDB renames a repeated header ("temp_max", "temp_max_1"): the spec would then miss a column for no
    // visible reason, so a file whose header repeats a name is refused naming it.
    const repeated = await duplicateCsvHeaders(c, realPath);
    if (repeated.length) throw new DatasetError('unreadable', `dataset ${realPath} repeats column names in its header: ${repeated.join(', ')}`);
  }
  if (dataset.where === undefined) return { realPath, select: `SELECT * FROM ${source}` };
  let parsed: ReturnType<typeof parseDatasetFilter>;
  try {
    parsed = parseDatasetFilter(dataset.where);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new DatasetError('refused', `${what}.where is not an allowed filter: ${err.message}`);
    throw err;
  }
  let columns: string[];
  try {
    const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    columns = described.getRowObjectsJS().map((r) => String(r['column_name']));
  } catch (err) {
    throw new DatasetError('unreadable', `cannot read ${realPath}: ${duckDbReason(err)}`);
  }
  const unknown = parsed.columns.filter((name) => !columns.includes(name));
  if (unknown.length) {
    throw new DatasetError('refused', `${what}.where names ${unknown.map((u) => `"${u}"`).join(', ')}, not a column of ${realPath} (columns: ${columns.join(', ')})`);
  }
  return { realPath, select: `SELECT * FROM ${source} WHERE ${compileFilter(parsed.expr)}` };
}

/** DuckDB table function reading a CSV or Parquet file (by `format`, else by extension). */
export function datasetSourceExpression(path: string, format: 'csv' | 'parquet' | undefined): string {
  return datasetFormat(path, format) === 'parquet' ? `read_parquet(${quoteString(path)})` : `read_csv(${quoteString(path)}, header = true, auto_detect = true)`;
}

const datasetFormat = (path: string, format: 'csv' | 'parquet' | undefined): 'csv' | 'parquet' =>
  format ?? (extname(path).toLowerCase() === '.parquet' ? 'parquet' : 'csv');

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * DuckDB-backed dataset access. Ingest copies the source into a content-addressed Parquet snapshot, so
 * training and evaluation read exactly the bytes that were validated, even if the source file changes.
 */
export class DuckDbDatasets {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly snapshotDir: string,
    private readonly paths: DatasetPaths,
  ) {}

  /** DuckDB may touch only the snapshot folder and the dataset roots (see `openSandboxedDuckDb`). */
  static async open(snapshotDir: string, paths: DatasetPaths): Promise<DuckDbDatasets> {
    await mkdir(snapshotDir, { recursive: true });
    const instance = await openSandboxedDuckDb([snapshotDir, ...paths.roots]);
    return new DuckDbDatasets(instance, snapshotDir, paths);
  }

  private async withConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.instance.connect();
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  }

  async ingest(dataset: ModelSpec['dataset']): Promise<DatasetSnapshot> {
    return this.withConnection(async (c) => {
      const { realPath: sourcePath, select } = await readUserDataset(c, this.paths, dataset);
      const sourceSha256 = await sha256File(sourcePath);
      // The snapshot id names content and selection together: the same file with another filter is another snapshot.
      const id = createHash('sha256').update(`${sourceSha256}\n${dataset.where ?? ''}`).digest('hex');
      const snapshotPath = resolve(join(this.snapshotDir, `${id}.parquet`));
      if (!(await stat(snapshotPath).catch(() => null))) {
        const tmp = `${snapshotPath}.${process.pid}.${Date.now()}.tmp`;
        try {
          await c.run(`COPY (${select}) TO ${quoteString(tmp)} (FORMAT parquet)`);
        } catch (err) {
          await rm(tmp, { force: true });
          throw new DatasetError('unreadable', `cannot read ${sourcePath}: ${duckDbReason(err)}`);
        }
        await rename(tmp, snapshotPath); // atomic: a crash never leaves a half-written snapshot under its final name
      }
      const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteString(snapshotPath)})`);
      const columns = described.getRowObjectsJS().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
      const counted = await c.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${quoteString(snapshotPath)})`);
      const rowCount = Number(counted.getRowObjectsJS()[0]?.['n'] ?? 0);
      return { id, sourcePath, sourceSha256, snapshotPath, rowCount, columns };
    });
  }

  /** Column statistics for validation: nulls, numeric range and non-finite count, distinct text values (capped). */
  async profile(snapshot: DatasetSnapshot, columnNames: string[], options: { maxDistinct?: number; distinctOf?: readonly string[] } = {}): Promise<DatasetProfile> {
    const maxDistinct = options.maxDistinct ?? 1000;
    const src = `read_parquet(${quoteString(snapshot.snapshotPath)})`;
    return this.withConnection(async (c) => {
      const columns: ColumnProfile[] = [];
      for (const name of columnNames) {
        const col = snapshot.columns.find((x) => x.name === name);
        if (!col) continue;
        const q = quoteIdent(name);
        const numeric = /INT|FLOAT|DOUBLE|REAL|DECIMAL/i.test(col.type);
        // A numeric label column (0/1) is still a set of classes: its distinct values are wanted too.
        const distinct = options.distinctOf?.includes(name)
          ? await c.runAndReadAll(`SELECT DISTINCT ${q}::VARCHAR AS v FROM ${src} WHERE ${q} IS NOT NULL ORDER BY 1 LIMIT ${maxDistinct}`)
          : null;
        if (numeric) {
          const r = await c.runAndReadAll(
            `SELECT count(*) FILTER (WHERE ${q} IS NULL)::DOUBLE AS nulls,
                    min(${q}) FILTER (WHERE isfinite(${q}::DOUBLE))::DOUBLE AS lo,
                    max(${q}) FILTER (WHERE isfinite(${q}::DOUBLE))::DOUBLE AS hi,
                    count(*) FILTER (WHERE ${q} IS NOT NULL AND NOT isfinite(${q}::DOUBLE))::DOUBLE AS nonfinite
             FROM ${src}`,
          );
          const row = r.getRowObjectsJS()[0] ?? {};
          columns.push({
            name,
            type: col.type,
            nullCount: Number(row['nulls'] ?? 0),
            ...(row['lo'] !== null ? { min: Number(row['lo']) } : {}),
            ...(row['hi'] !== null ? { max: Number(row['hi']) } : {}),
            nonFiniteCount: Number(row['nonfinite'] ?? 0),
            ...(distinct ? { distinct: distinct.getRowObjectsJS().map((x) => String(x['v'])) } : {}),
          });
        } else {
          const nulls = await c.runAndReadAll(`SELECT count(*) FILTER (WHERE ${q} IS NULL)::DOUBLE AS nulls FROM ${src}`);
          const distinct = await c.runAndReadAll(`SELECT DISTINCT ${q}::VARCHAR AS v FROM ${src} WHERE ${q} IS NOT NULL ORDER BY 1 LIMIT ${maxDistinct}`);
          columns.push({
            name,
            type: col.type,
            nullCount: Number(nulls.getRowObjectsJS()[0]?.['nulls'] ?? 0),
            distinct: distinct.getRowObjectsJS().map((x) => String(x['v'])),
          });
        }
      }
      return { rowCount: snapshot.rowCount, columns };
    });
  }

  /** The row view of `readFrame` (one object per row): for tools and tests only — activities read frames. */
  async readRows(snapshot: Pick<DatasetSnapshot, 'snapshotPath'>, columns: { name: string; type: 'numeric' | 'categorical' }[]): Promise<Row[]> {
    const select = columns
      .map((c) => (c.type === 'numeric' ? `TRY_CAST(${quoteIdent(c.name)} AS DOUBLE) AS ${quoteIdent(c.name)}` : `${quoteIdent(c.name)}::VARCHAR AS ${quoteIdent(c.name)}`))
      .join(', ');
    return this.withConnection(async (c) => {
      const reader = await c.runAndReadAll(`SELECT ${select} FROM read_parquet(${quoteString(snapshot.snapshotPath)}, file_row_number = true) ORDER BY file_row_number`);
      return reader.getRowObjectsJS() as Row[];
    });
  }

  /** The named columns as a columnar frame (typed arrays, file order): the training and evaluation path. */
  async readFrame(snapshot: Pick<DatasetSnapshot, 'snapshotPath'>, columns: readonly FrameColumnRequest[]): Promise<Frame> {
    return this.withConnection((c) => readFrame(c, snapshot.snapshotPath, columns));
  }

  close(): void {
    this.instance.closeSync();
  }
}
