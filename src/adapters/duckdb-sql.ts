/** Quoting for SQL that DuckDB runs: paths and values as string literals, column names as identifiers. */
export const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
