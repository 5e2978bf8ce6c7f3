import type Database from 'better-sqlite3';
import type { TagChangeEntry } from '../domain';
import { VersionNotFoundError } from './sqlite-registry';

/** One tag of a version. */
export interface VersionTag {
  readonly modelName: string;
  readonly version: number;
  readonly key: string;
  readonly value: string;
  readonly updatedAt: string;
}

/** One change of a tag; `to` null is a deletion, `from` null a new tag (the timeline's entry, with its model). */
export interface TagChange extends Readonly<TagChangeEntry> {
  readonly modelName: string;
}

const TAG_COLUMNS = 'model_name AS modelName, version, key, value, updated_at AS updatedAt';

/**
 * Key/value tags on registered versions (registry migration 6). Tags are mutable labels, unlike a version's
 * lineage; every change is appended to the tag history in the same transaction, and the database audits it
 * (`tag.set` / `tag.deleted`). Setting a tag to the value it has records nothing.
 */
export class VersionTagStore {
  constructor(private readonly db: Database.Database, private readonly now: () => Date = () => new Date()) {}

  /** Sets tags on a version; returns the keys whose value changed. Refuses an unregistered version. */
  set(m: { modelName: string; version: number; tags: Record<string, string>; actor: string }): string[] {
    return this.db.transaction(() => {
      this.requireVersion(m.modelName, m.version);
      const at = this.now().toISOString();
      const changed: string[] = [];
      for (const [key, value] of Object.entries(m.tags)) {
        const old = this.value(m.modelName, m.version, key);
        if (old === value) continue;
        this.db
          .prepare('INSERT INTO version_tags (model_name, version, key, value, updated_at) ' +
            'VALUES (?, ?, ?, ?, ?) ON CONFLICT (model_name, version, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
          .run(m.modelName, m.version, key, value, at);
        this.record(m.modelName, m.version, key, old, value, at, m.actor);
        changed.push(key);
      }
      return changed;
    }).immediate();
  }

  /** Deletes tags of a version; returns the keys that existed. */
  delete(m: { modelName: string; version: number; keys: string[]; actor: string }): string[] {
    return this.db.transaction(() => {
      this.requireVersion(m.modelName, m.version);
      const at = this.now().toISOString();
      const deleted: string[] = [];
      for (const key of m.keys) {
        const old = this.value(m.modelName, m.version, key);
        if (old === null) continue;
        this.db.prepare('DELETE FROM version_tags WHERE model_name = ? AND version = ? AND key = ?')
          .run(m.modelName, m.version, key);
        this.record(m.modelName, m.version, key, old, null, at, m.actor);
        deleted.push(key);
      }
      return deleted;
    }).immediate();
  }

  /** Tags of every version (of one model when named), by model, version and key. */
  list(modelName?: string): VersionTag[] {
    const sql = `SELECT ${TAG_COLUMNS} FROM version_tags`;
    const order = 'ORDER BY model_name, version, key';
    return (modelName
      ? this.db.prepare(`${sql} WHERE model_name = ? ${order}`).all(modelName)
      : this.db.prepare(`${sql} ${order}`).all()) as VersionTag[];
  }

  /** The versions (model, version) carrying every one of the given tags. */
  versionsTagged(filters: { key: string; value: string }[], modelName?: string):
    { modelName: string; version: number }[] {
    const matches = filters.map(() => 'EXISTS (SELECT 1 FROM version_tags t WHERE t.model_name = v.model_name ' +
      'AND t.version = v.version AND t.key = ? AND t.value = ?)');
    const conditions = [...(modelName ? ['v.model_name = ?'] : []), ...matches]; // fixed text; values are bound
    const sql = 'SELECT model_name AS modelName, version FROM model_versions v' +
      `${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY model_name, version`;
    const params = [...(modelName ? [modelName] : []), ...filters.flatMap((f) => [f.key, f.value])];
    return this.db.prepare(sql).all(...params) as { modelName: string; version: number }[];
  }

  /** Every tag change of a model, oldest first. */
  history(modelName: string): TagChange[] {
    const columns = 'model_name AS modelName, version, key, old_value AS "from", new_value AS "to", ' +
      'changed_at AS changedAt, actor';
    return this.db.prepare(`SELECT ${columns} FROM version_tag_history WHERE model_name = ? ORDER BY id`)
      .all(modelName) as TagChange[];
  }

  private value(modelName: string, version: number, key: string): string | null {
    const row = this.db.prepare('SELECT value FROM version_tags WHERE model_name = ? AND version = ? AND key = ?')
      .get(modelName, version, key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  private record(model: string, version: number, key: string, from: string | null, to: string | null, at: string,
    actor: string): void {
    this.db
      .prepare('INSERT INTO version_tag_history (model_name, version, key, old_value, new_value, changed_at, actor) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(model, version, key, from, to, at, actor);
  }

  private requireVersion(modelName: string, version: number): void {
    const found = this.db.prepare('SELECT 1 FROM model_versions WHERE model_name = ? AND version = ?')
      .get(modelName, version);
    if (!found) throw new VersionNotFoundError(modelName, version);
  }
}
