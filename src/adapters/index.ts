/**
 * @module adapters — the side-effecting edges: DuckDB datasets, the SQLite registry, the artifact store,
 * the model server's HTTP admin client, and monitoring: the prediction log (writer and DuckDB reader),
 * delayed labels, and the registry's monitoring tables. Activities receive these injected.
 */
export * from './duckdb-datasets';
export * from './dataset-paths';
export * from './duckdb-filter';
export * from './artifact-store';
export * from './sqlite-registry';
export * from './model-server-client';
export * from './deployment-store';
export * from './logger';
export * from './payload-codec';
export * from './sqlite-audit-log';
export * from './approver-directory';
export * from './webhook';
export * from './governance-adapters';
export * from './prediction-log';
export * from './prediction-store';
export * from './label-ingest';
export * from './monitoring-registry';
export * from './version-tags';
