import { createHash } from 'node:crypto';
import { mkdir, rename, stat, rm } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  fileUri,
  FilterSyntaxError,
  parseDatasetFilter,
  type BlobStore,
  type ColumnProfile,
  type DatasetProfile,
  type DatasetSnapshot,
  type ModelSpec,
} from '../domain';
import { BlobNotFoundError } from './blob-errors';
import { LocalBlobStore, sha256OfFile } from './local-blob-store';
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
 * A user-named file (dataset, retrain base, labels) as a local file DuckDB may read: a path or `file://` URI
 * confined to the local dataset roots, an `s3://` URI confined to the `s3://` roots and then fetched into the
 * blob store's cache. Returns the local file and the source's URI (what payloads carry).
 * @throws PathNotAllowedError outside the roots; `notFound(uri)` when it does not exist.
 */
export async function localUserFile(
  paths: DatasetPaths,
  blobs: BlobStore,
  pathOrUri: string,
  what: string,
  notFound: (where: string) => Error,
): Promise<{ file: string; uri: string }> {
  const source = await paths.confineSource(pathOrUri, what, notFound);
  if (source.kind === 'file') return { file: source.path, uri: fileUri(source.path) };
  const file = await blobs.localFile(source.uri).catch((err: unknown) => {
    throw err instanceof BlobNotFoundError ? notFound(source.uri) : err;
  });
  return { file, uri: source.uri };
}

/**
 * The SQL that reads a user's dataset: the path confined to the dataset roots (after symlinks), the `where`
 * filter parsed, checked against the dataset's columns and compiled by us — never the user's text.
 * @param what names the spec field in messages ("dataset", "monitoring.retrain.dataset").
 * @returns `realPath`, the local file read (an S3 dataset's cached copy), and `uri`, the dataset's URI.
 * @throws DatasetError `refused` (path or filter not allowed), `not-found`, `unreadable`.
 */
export async function readUserDataset(
  c: DuckDBConnection,
  paths: DatasetPaths,
  blobs: BlobStore,
  dataset: DatasetSource,
  what = 'dataset',
): Promise<{ realPath: string; uri: string; select: string }> {
  const notFound = (p: string) => new DatasetError('not-found', `dataset not found: ${p}`);
  const { file: realPath, uri } = await localUserFile(paths, blobs, dataset.path, `${what}.path`, notFound).catch(
    (err: unknown) => {
      throw err instanceof PathNotAllowedError ? new DatasetError('refused', err.message) : err;
    },
  );
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
  if (dataset.where === undefined) return { realPath, uri, select: `SELECT * FROM ${source}` };
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
  return { realPath, uri, select: `SELECT * FROM ${source} WHERE ${compileFilter(parsed.expr)}` };
}

/** DuckDB table function reading a CSV or Parquet file (by `format`, else by extension: an S3 copy keeps it). */
export function datasetSourceExpression(path: string, format: 'csv' | 'parquet' | undefined): string {
  return datasetFormat(path, format) === 'parquet' ? `read_parquet(${quoteString(path)})` : `read_csv(${quoteString(path)}, header = true, auto_detect = true)`;
}

const datasetFormat = (path: string, format: 'csv' | 'parquet' | undefined): 'csv' | 'parquet' =>
  format ?? (extname(path).toLowerCase() === '.parquet' ? 'parquet' : 'csv');

export const sha256File = sha256OfFile;

/**
 * DuckDB-backed dataset access. Ingest copies the source into a content-addressed Parquet snapshot, so
 * training and evaluation read exactly the bytes that were validated, even if the source file changes.
 * Snapshots are blobs (`snapshots/<id>.parquet`) named by URI; DuckDB reads a local copy of them.
 */
export class DuckDbDatasets {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly snapshotDir: string,
    private readonly paths: DatasetPaths,
    private readonly blobs: BlobStore,
  ) {}

  /**
   * DuckDB may touch only the snapshot folder, the dataset roots and the blob cache (see `openSandboxedDuckDb`).
   * @param snapshotDir where snapshots are written before they are stored (for a local store: where they stay).
   * @param blobs the blob store; default: the local folder above `snapshotDir` (tools and tests).
   */
  static async open(snapshotDir: string, paths: DatasetPaths, blobs?: BlobStore): Promise<DuckDbDatasets> {
    await mkdir(snapshotDir, { recursive: true });
    const store = blobs ?? new LocalBlobStore(dirname(resolve(snapshotDir)));
    const instance = await openSandboxedDuckDb([snapshotDir, ...paths.roots, ...store.localDirs]);
    return new DuckDbDatasets(instance, snapshotDir, paths, store);
  }

  /** The local file of a snapshot named by URI (or by a bare path, in runs from before URIs). */
  private snapshotFile(snapshot: Pick<DatasetSnapshot, 'snapshotPath'>): Promise<string> {
    return this.blobs.localFile(snapshot.snapshotPath).catch((err: unknown) => {
      if (!(err instanceof BlobNotFoundError)) throw err;
      throw new DatasetError('not-found', `snapshot ${snapshot.snapshotPath} is gone: ${err.message}`);
    });
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
      const read = await readUserDataset(c, this.paths, this.blobs, dataset);
      const { realPath: sourcePath, uri: sourceUri, select } = read;
      const sourceSha256 = await sha256File(sourcePath);
      // The snapshot id names content and selection together: the same file with another filter is another snapshot.
      const id = createHash('sha256').update(`${sourceSha256}\n${dataset.where ?? ''}`).digest('hex');
      const key = `snapshots/${id}.parquet`;
      const snapshotUri = this.blobs.uriOf(key);
      const stored = await this.blobs.head(snapshotUri);
      let snapshotPath = resolve(join(this.snapshotDir, `${id}.parquet`));
      if (stored) snapshotPath = await this.blobs.localFile(snapshotUri, stored.sha256);
      else if (!(await stat(snapshotPath).catch(() => null))) {
        const tmp = `${snapshotPath}.${process.pid}.${Date.now()}.tmp`;
        try {
          await c.run(`COPY (${select}) TO ${quoteString(tmp)} (FORMAT parquet)`);
        } catch (err) {
          await rm(tmp, { force: true });
          throw new DatasetError('unreadable', `cannot read ${sourcePath}: ${duckDbReason(err)}`);
        }
        await rename(tmp, snapshotPath); // atomic: a crash never leaves a half-written snapshot under its final name
      }
      if (!stored) await this.blobs.putFile(key, snapshotPath);
      const described = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoteString(snapshotPath)})`);
      const columns = described.getRowObjectsJS().map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
      const counted = await c.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${quoteString(snapshotPath)})`);
      const rowCount = Number(counted.getRowObjectsJS()[0]?.['n'] ?? 0);
      return { id, sourcePath: sourceUri, sourceSha256, snapshotPath: snapshotUri, rowCount, columns };
    });
  }

  /** Column statistics for validation: nulls, numeric range and non-finite count, distinct text values (capped). */
  async profile(snapshot: DatasetSnapshot, columnNames: string[], options: { maxDistinct?: number; distinctOf?: readonly string[] } = {}): Promise<DatasetProfile> {
    const maxDistinct = options.maxDistinct ?? 1000;
    const src = `read_parquet(${quoteString(await this.snapshotFile(snapshot))})`;
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
    const file = await this.snapshotFile(snapshot);
    return this.withConnection(async (c) => {
      const reader = await c.runAndReadAll(`SELECT ${select} FROM read_parquet(${quoteString(file)}, file_row_number = true) ORDER BY file_row_number`);
      return reader.getRowObjectsJS() as Row[];
    });
  }

  /** The named columns as a columnar frame (typed arrays, file order): the training and evaluation path. */
  async readFrame(snapshot: Pick<DatasetSnapshot, 'snapshotPath'>, columns: readonly FrameColumnRequest[]): Promise<Frame> {
    const file = await this.snapshotFile(snapshot);
    return this.withConnection((c) => readFrame(c, file, columns));
  }

  close(): void {
    this.instance.closeSync();
  }
}
