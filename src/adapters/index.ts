/**
 * @module adapters — the side-effecting edges: DuckDB datasets, the SQLite registry, the artifact store,
 * and the model server's HTTP admin client. Activities receive these injected.
 */
export * from './duckdb-datasets';
export * from './artifact-store';
export * from './sqlite-registry';
export * from './model-server-client';
export * from './deployment-store';
export * from './logger';
export * from './sqlite-audit-log';
export * from './approver-directory';
export * from './webhook';
export * from './governance-adapters';
