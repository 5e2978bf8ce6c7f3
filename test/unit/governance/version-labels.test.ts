import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteAuditLog, SqliteRegistry, VersionTagStore, type NewVersion } from '../../../src/adapters';
import { registryMigrations } from '../../../src/adapters/registry-schema';
import { aliasNameProblem, parseTagAssignment } from '../../../src/domain';
import { tempDir } from '../../support/paths';

const metrics = { accuracy: 1, macroF1: 1, logLoss: 0, rows: 1 };
const version = (runId: string): NewVersion => ({
  modelName: 'churn', status: 'approved', datasetId: 'd', datasetPath: '/d', datasetRows: 1, spec: {}, params: {},
  metrics, evaluation: { candidate: metrics, champion: null, checks: [], blessed: true, testRows: 1 },
  artifactPath: '/a', artifactSha256: 'h', codeVersion: null, workflowId: 'wf', runId, requestedBy: 'rita',
});

describe('aliases and tags in the registry', () => {
  let registry: SqliteRegistry;
  let audit: SqliteAuditLog;
  let tags: VersionTagStore;
  beforeEach(() => {
    registry = new SqliteRegistry(':memory:');
    audit = new SqliteAuditLog(registry.db);
    tags = new VersionTagStore(registry.db);
    registry.registerVersion(version('r1'));
    registry.registerVersion(version('r2'));
  });
  afterEach(() => registry.close());

  test('an alias is set, moved and deleted; every step is in its history and audited by the database', () => {
    registry.moveAlias({ modelName: 'churn', alias: 'champion', version: 1, actor: 'alice', reason: 'best so far' });
    registry.moveAlias({ modelName: 'churn', alias: 'champion', version: 2, actor: 'bob' });
    expect(registry.deleteAlias({ modelName: 'churn', alias: 'champion', actor: 'carol', reason: 'retired' }))
      .toEqual({ from: 2 });
    expect(registry.deleteAlias({ modelName: 'churn', alias: 'champion', actor: 'carol' })).toEqual({ from: null });
    expect(registry.findByAlias('churn', 'champion')).toBeNull();
    expect(registry.aliasHistory('churn', 'champion').map((h) => [h.fromVersion, h.toVersion, h.actor]))
      .toEqual([[null, 1, 'alice'], [1, 2, 'bob'], [2, null, 'carol']]);
    expect(audit.list({ model: 'churn' }).map((e) => [e.kind, e.version, e.actor, e.details])).toEqual([
      ['alias.moved', 1, 'alice', { alias: 'champion', fromVersion: null, toVersion: 1, reason: 'best so far' }],
      ['alias.moved', 2, 'bob', { alias: 'champion', fromVersion: 1, toVersion: 2, reason: null }],
      ['alias.deleted', 2, 'carol', { alias: 'champion', fromVersion: 2, toVersion: null, reason: 'retired' }],
    ]);
    expect(() => registry.db.prepare('DELETE FROM alias_history').run()).toThrow(/append-only/);
  });

  test('tags are set, changed, deleted and searched; changes are kept and audited; no-op sets record nothing', () => {
    expect(tags.set({ modelName: 'churn', version: 1, tags: { team: 'risk', stage: 'qa' }, actor: 'alice' }))
      .toEqual(['team', 'stage']);
    expect(tags.set({ modelName: 'churn', version: 1, tags: { team: 'risk' }, actor: 'alice' })).toEqual([]);
    tags.set({ modelName: 'churn', version: 2, tags: { team: 'growth', stage: 'qa' }, actor: 'bob' });
    expect(tags.delete({ modelName: 'churn', version: 1, keys: ['stage', 'missing'], actor: 'bob' })).toEqual(['stage']);
    expect(tags.list('churn').map((t) => `${t.version}:${t.key}=${t.value}`)).toEqual(['1:team=risk', '2:stage=qa',
      '2:team=growth']);
    expect(tags.versionsTagged([{ key: 'stage', value: 'qa' }])).toEqual([{ modelName: 'churn', version: 2 }]);
    expect(tags.versionsTagged([{ key: 'team', value: 'risk' }, { key: 'stage', value: 'qa' }])).toEqual([]);
    expect(tags.history('churn').map((c) => [c.version, c.key, c.from, c.to, c.actor])).toEqual([
      [1, 'team', null, 'risk', 'alice'], [1, 'stage', null, 'qa', 'alice'], [2, 'team', null, 'growth', 'bob'],
      [2, 'stage', null, 'qa', 'bob'], [1, 'stage', 'qa', null, 'bob'],
    ]);
    expect(audit.list({ model: 'churn' }).map((e) => e.kind)).toEqual(['tag.set', 'tag.set', 'tag.set', 'tag.set',
      'tag.deleted']);
    expect(() => tags.set({ modelName: 'churn', version: 9, tags: { a: 'b' }, actor: 'x' })).toThrow(/churn@9/);
  });

  test('names keep to a safe alphabet', () => {
    expect(aliasNameProblem('champion')).toBeNull();
    expect(aliasNameProblem('staging-eu_2')).toBeNull();
    for (const bad of ['Champion', '1st', 'a b', "x'--", '', 'a'.repeat(41)]) expect(aliasNameProblem(bad)).not.toBeNull();
    expect(parseTagAssignment('owner=team=risk')).toEqual({ key: 'owner', value: 'team=risk' });
    expect(parseTagAssignment('note=')).toEqual({ key: 'note', value: '' });
    expect(() => parseTagAssignment('=x')).toThrow(/key=value/);
    expect(() => parseTagAssignment('bad key=x')).toThrow(/tag key/);
  });
});

test('migration 6 keeps an existing alias history, its ids (audit keys) and its append-only guard', () => {
  const path = join(tempDir('registry-v5'), 'registry.db');
  const old = new Database(path);
  registryMigrations.slice(0, 5).forEach((sql) => old.exec(sql));
  old.pragma('user_version = 5');
  old.exec(`INSERT INTO models VALUES ('churn', 't');
    INSERT INTO alias_history (model_name, alias, from_version, to_version, moved_at, actor, workflow_id, run_id)
    VALUES ('churn', 'production', NULL, 1, '2026-01-01T00:00:00.000Z', 'alice', 'wf', 'r1')`);
  old.close();
  const registry = new SqliteRegistry(path);
  try {
    expect(registry.aliasHistory('churn')).toEqual([expect.objectContaining({ fromVersion: null, toVersion: 1,
      actor: 'alice' })]);
    expect(new SqliteAuditLog(registry.db).list({ model: 'churn' }).map((e) => e.eventKey)).toEqual(['alias-history/1']);
    expect(() => registry.db.prepare('UPDATE alias_history SET actor = ?').run('mallory')).toThrow(/append-only/);
  } finally {
    registry.close();
  }
});
