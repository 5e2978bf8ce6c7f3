import { VersionNotFoundError, type TagChange, type VersionTag, type VersionTags } from '../../domain';
import type { SqlDatabase, SqlSession } from './sql-database';

const TAG_COLUMNS = 'model_name AS "modelName", version, key, value, updated_at AS "updatedAt"';

async function valueIn(s: SqlSession, modelName: string, version: number, key: string): Promise<string | null> {
  const sql = 'SELECT value FROM version_tags WHERE model_name = ? AND version = ? AND key = ?';
  return (await s.get<{ value: string }>(sql, [modelName, version, key]))?.value ?? null;
}

async function record(s: SqlSession, c: Omit<TagChange, 'changedAt'>, at: string): Promise<void> {
  await s.run('INSERT INTO version_tag_history (model_name, version, key, old_value, new_value, changed_at, actor) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?)', [c.modelName, c.version, c.key, c.from, c.to, at, c.actor]);
}

async function requireVersion(s: SqlSession, modelName: string, version: number): Promise<void> {
  const found = await s.get('SELECT 1 AS found FROM model_versions WHERE model_name = ? AND version = ?',
    [modelName, version]);
  if (!found) throw new VersionNotFoundError(modelName, version);
}

/**
 * Key/value tags on registered versions (registry migration 6). Tags are mutable labels, unlike a version's
 * lineage; every change is appended to the tag history in the same transaction, and the database audits it
 * (`tag.set` / `tag.deleted`). Setting a tag to the value it has records nothing.
 */
export class SqlVersionTags implements VersionTags {
  constructor(private readonly db: SqlDatabase, private readonly now: () => Date = () => new Date()) {}

  /** Sets tags on a version; returns the keys whose value changed. Refuses an unregistered version. */
  set(m: { modelName: string; version: number; tags: Record<string, string>; actor: string }): Promise<string[]> {
    return this.db.write(async (tx) => {
      await requireVersion(tx, m.modelName, m.version);
      const at = this.now().toISOString();
      const changed: string[] = [];
      for (const [key, value] of Object.entries(m.tags)) {
        const old = await valueIn(tx, m.modelName, m.version, key);
        if (old === value) continue;
        await tx.run('INSERT INTO version_tags (model_name, version, key, value, updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (model_name, version, key) ' +
          'DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        [m.modelName, m.version, key, value, at]);
        await record(tx, { modelName: m.modelName, version: m.version, key, from: old, to: value, actor: m.actor }, at);
        changed.push(key);
      }
      return changed;
    });
  }

  /** Deletes tags of a version; returns the keys that existed. */
  delete(m: { modelName: string; version: number; keys: string[]; actor: string }): Promise<string[]> {
    return this.db.write(async (tx) => {
      await requireVersion(tx, m.modelName, m.version);
      const at = this.now().toISOString();
      const deleted: string[] = [];
      for (const key of m.keys) {
        const old = await valueIn(tx, m.modelName, m.version, key);
        if (old === null) continue;
        await tx.run('DELETE FROM version_tags WHERE model_name = ? AND version = ? AND key = ?',
          [m.modelName, m.version, key]);
        await record(tx, { modelName: m.modelName, version: m.version, key, from: old, to: null, actor: m.actor }, at);
        deleted.push(key);
      }
      return deleted;
    });
  }

  /** Tags of every version (of one model when named), by model, version and key. */
  list(modelName?: string): Promise<VersionTag[]> {
    const sql = `SELECT ${TAG_COLUMNS} FROM version_tags`;
    const order = 'ORDER BY model_name, version, key';
    return modelName
      ? this.db.all<VersionTag>(`${sql} WHERE model_name = ? ${order}`, [modelName])
      : this.db.all<VersionTag>(`${sql} ${order}`);
  }

  /** The versions (model, version) carrying every one of the given tags. */
  versionsTagged(filters: { key: string; value: string }[], modelName?: string):
    Promise<{ modelName: string; version: number }[]> {
    const matches = filters.map(() => 'EXISTS (SELECT 1 FROM version_tags t WHERE t.model_name = v.model_name ' +
      'AND t.version = v.version AND t.key = ? AND t.value = ?)');
    const conditions = [...(modelName ? ['v.model_name = ?'] : []), ...matches]; // fixed text; values are bound
    const sql = 'SELECT model_name AS "modelName", version FROM model_versions v' +
      `${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY model_name, version`;
    const params = [...(modelName ? [modelName] : []), ...filters.flatMap((f) => [f.key, f.value])];
    return this.db.all<{ modelName: string; version: number }>(sql, params);
  }

  /** Every tag change of a model, oldest first. */
  history(modelName: string): Promise<TagChange[]> {
    const columns = 'model_name AS "modelName", version, key, old_value AS "from", new_value AS "to", ' +
      'changed_at AS "changedAt", actor';
    return this.db.all<TagChange>(`SELECT ${columns} FROM version_tag_history WHERE model_name = ? ORDER BY id`,
      [modelName]);
  }
}
