/**
 * @module registry adapters — the registry ports (src/domain/registry) over SQLite (embedded default) or
 * PostgreSQL: one set of stores and statements over a small `SqlDatabase`, migrations written once per dialect.
 */
export * from './open-registry';
export * from './sql-registry';
export type { SqlDatabase, SqlSession } from './sql-database';
export type { Dialect } from './dialect-sql';
export { renderMigrations } from './migrations';
export { numberPlaceholders } from './postgres-database';
// The ports' row types and errors live in the domain; re-exported so the adapters' users import one place.
export {
  AuditConflictError,
  VersionNotFoundError,
  type AliasRow,
  type AuditAppendResult,
  type AuditFilter,
  type DeploymentPlan,
  type DeploymentRow,
  type ModelVersionRow,
  type NewDeployment,
  type NewVersion,
  type QueueAnswer,
  type Registry,
  type ReportRow,
  type StoredProfile,
  type TagChange,
  type VersionStatus,
  type VersionTag,
} from '../../domain';
