/**
 * @module adapters — the side-effecting edges: DuckDB datasets, the registry (SQLite or PostgreSQL), the blob
 * stores (local directory, S3-compatible) and the artifact store on them,
 * the model server's HTTP admin client, and monitoring: the prediction log (writer and DuckDB reader),
 * delayed labels, and the registry's monitoring tables. Activities receive these injected.
 */
export * from './duckdb-datasets';
export * from './dataset-paths';
export * from './duckdb-filter';
export * from './artifact-store';
export * from './blob-errors';
export * from './local-blob-store';
export * from './s3-blob-store';
export * from './blob-store-factory';
export * from './registry';
export * from './model-server-client';
export * from './logger';
export * from './payload-codec';
export * from './approver-directory';
export * from './webhook';
export * from './governance-adapters';
export * from './prediction-log';
export * from './prediction-store';
export * from './label-ingest';
