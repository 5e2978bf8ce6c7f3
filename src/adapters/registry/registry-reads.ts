import { VersionNotFoundError, type ModelVersionRow } from '../../domain';
import type { SqlSession } from './sql-database';
import { toVersion, type VersionRecord } from './records';

/** Reads a version inside a transaction or outside one. @throws VersionNotFoundError */
export async function versionIn(s: SqlSession, modelName: string, version: number): Promise<ModelVersionRow> {
  const sql = 'SELECT * FROM model_versions WHERE model_name = ? AND version = ?';
  const r = await s.get<VersionRecord>(sql, [modelName, version]);
  if (!r) throw new VersionNotFoundError(modelName, version);
  return toVersion(r);
}

/** The version an alias points at, or null. */
export async function aliasTarget(s: SqlSession, modelName: string, alias: string): Promise<number | null> {
  const sql = 'SELECT version FROM aliases WHERE model_name = ? AND alias = ?';
  return (await s.get<{ version: number }>(sql, [modelName, alias]))?.version ?? null;
}
