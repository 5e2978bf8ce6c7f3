import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import type { Column, Frame } from '../domain/ml';
import { quoteIdent, quoteString } from './duckdb-sql';

export interface FrameColumnRequest {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
}

/**
 * Reads columns of a Parquet file (in file order) into typed arrays, chunk by chunk: numerics as doubles
 * (TRY_CAST; NaN where missing or not a number), everything else as dictionary codes over its text values
 * (sorted; -1 where missing) — the dictionary is built by DuckDB, so no per-row strings or objects exist.
 */
export async function readFrame(c: DuckDBConnection, parquetPath: string, columns: readonly FrameColumnRequest[]): Promise<Frame> {
  const source = `read_parquet(${quoteString(parquetPath)}, file_row_number = true)`;
  const counted = await c.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${quoteString(parquetPath)})`);
  const rows = Number(counted.getRowObjectsJS()[0]?.['n'] ?? 0);
  const dictionaries = new Map<string, string[]>();
  const selects: string[] = [];
  const joins: string[] = [];
  for (const [i, col] of columns.entries()) {
    const q = quoteIdent(col.name);
    if (col.type === 'numeric') {
      selects.push(`TRY_CAST(s.${q} AS DOUBLE)`);
      continue;
    }
    const table = `mlops_dict_${i}`;
    await c.run(
      `CREATE OR REPLACE TEMP TABLE ${table} AS
       SELECT v, (row_number() OVER (ORDER BY v) - 1)::INTEGER AS code
       FROM (SELECT DISTINCT ${q}::VARCHAR AS v FROM ${source} WHERE ${q} IS NOT NULL)`,
    );
    const dict = await c.runAndReadAll(`SELECT v FROM ${table} ORDER BY code`);
    dictionaries.set(col.name, dict.getColumnsJS()[0]?.map((v) => String(v)) ?? []);
    selects.push(`coalesce(d${i}.code, -1)`);
    joins.push(`LEFT JOIN ${table} d${i} ON s.${q}::VARCHAR = d${i}.v`);
  }
  const arrays = columns.map((col) => (col.type === 'numeric' ? new Float64Array(rows) : new Int32Array(rows)));
  const result = await c.stream(`SELECT ${selects.join(', ')} FROM ${source} s ${joins.join(' ')} ORDER BY s.file_row_number`);
  let offset = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const n = chunk.rowCount;
    for (let k = 0; k < columns.length; k++) {
      const vector = chunk.getColumnVector(k) as DuckDBVector<number | null>;
      const target = arrays[k] as Float64Array | Int32Array;
      const missing = columns[k]?.type === 'numeric' ? Number.NaN : -1;
      for (let i = 0; i < n; i++) target[offset + i] = vector.getItem(i) ?? missing;
    }
    offset += n;
  }
  if (offset !== rows) throw new Error(`read ${offset} rows of ${parquetPath}, expected ${rows}`);
  const frameColumns: Record<string, Column> = {};
  columns.forEach((col, k) => {
    frameColumns[col.name] =
      col.type === 'numeric'
        ? { kind: 'numeric', values: arrays[k] as Float64Array }
        : { kind: 'categorical', codes: arrays[k] as Int32Array, dictionary: dictionaries.get(col.name) ?? [] };
  });
  return { rows, columns: frameColumns };
}
