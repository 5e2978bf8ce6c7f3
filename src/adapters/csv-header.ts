import { open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteString } from './duckdb-sql';

const HEADER_BYTES = 64 * 1024;

/** Splits one CSV line on `delimiter`, honouring double quotes ("a,b" is one field, "" an escaped quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      fields.push(field.trim());
      field = '';
      i += delimiter.length - 1;
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}

/**
 * Names the CSV file's header repeats (as written, before DuckDB renames them), using the delimiter DuckDB's
 * sniffer picks. A file the sniffer cannot read is left to the reader, which reports it.
 */
export async function duplicateCsvHeaders(c: DuckDBConnection, path: string): Promise<string[]> {
  let delimiter: string;
  try {
    const sniffed = await c.runAndReadAll(`SELECT Delimiter AS d FROM sniff_csv(${quoteString(path)})`);
    delimiter = String(sniffed.getRowObjectsJS()[0]?.['d'] ?? ',');
  } catch {
    return [];
  }
  const file = await open(path, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_BYTES, 0);
    head = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
  const names = splitCsvLine(head.split(/\r?\n/)[0] ?? '', delimiter).filter((n) => n !== '');
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}
