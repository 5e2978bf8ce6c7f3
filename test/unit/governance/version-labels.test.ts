import Database from 'better-sqlite3';
import { join } from 'node:path';
import { SqliteRegistry, type NewVersion } from '../../../src/adapters';
import { registryMigrations } from '../../fixtures/registry/legacy-sqlite-migrations';
import { aliasNameProblem, parseTagAssignment, type AuditLog, type VersionTags } from '../../../src/domain';
import { tempDir } from '../../support/paths';

const metrics = { accuracy: 1, macroF1: 1, logLoss: 0, rows: 1 };
const version = (runId: string): NewVersion => ({
  modelName: 'churn', status: 'approved', datasetId: 'd', datasetPath: '/d', datasetRows: 1, spec: {}, params: {},
  metrics, evaluation: { candidate: metrics, champion: null, checks: [], blessed: true, testRows: 1 },
  artifactPath: '/a', artifactSha256: 'h', codeVersion: null, workflowId: 'wf', runId, requestedBy: 'rita',
});

describe('aliases and tags in the registry', () => {
  let registry: SqliteRegistry;
  let audit: AuditLog;
  let tags: VersionTags;
  beforeEach(async () => {
    registry = new SqliteRegistry(':memory:');
    audit = registry.audit;
    tags = registry.tags;
    await registry.registerVersion(version('r1'));
    await registry.registerVersion(version('r2'));
  });
  afterEach(() => registry.close());

  test('an alias is set, moved and deleted; every step is in its history and audited by the database', async () => {
    await registry.moveAlias({ modelName: 'churn', alias: 'champion', version: 1, actor: 'alice', reason: 'best so far' });
    await registry.moveAlias({ modelName: 'churn', alias: 'champion', version: 2, actor: 'bob' });
    expect(await registry.deleteAlias({ modelName: 'churn', alias: 'champion', actor: 'carol', reason: 'retired' }))
      .toEqual({ from: 2 });
    expect(await registry.deleteAlias({ modelName: 'churn', alias: 'champion', actor: 'carol' })).toEqual({ from: null });
    expect(await registry.findByAlias('churn', 'champion')).toBeNull();
    expect((await registry.aliasHistory('churn', 'champion')).map((h) => [h.fromVersion, h.toVersion, h.actor]))
      .toEqual([[null, 1, 'alice'], [1, 2, 'bob'], [2, null, 'carol']]);
    expect((await audit.list({ model: 'churn' })).map((e) => [e.kind, e.version, e.actor, e.details])).toEqual([
      ['alias.moved', 1, 'alice', { alias: 'champion', fromVersion: null, toVersion: 1, reason: 'best so far' }],
      ['alias.moved', 2, 'bob', { alias: 'champion', fromVersion: 1, toVersion: 2, reason: null }],
      ['alias.deleted', 2, 'carol', { alias: 'champion', fromVersion: 2, toVersion: null, reason: 'retired' }],
    ]);
    expect(() => registry.sqlite.handle.prepare('DELETE FROM alias_history').run()).toThrow(/append-only/);
  });

  test('tags are set, changed, deleted and searched; changes are kept and audited; no-op sets record nothing', async () => {
    expect(await tags.set({ modelName: 'churn', version: 1, tags: { team: 'risk', stage: 'qa' }, actor: 'alice' }))
      .toEqual(['team', 'stage']);
    expect(await tags.set({ modelName: 'churn', version: 1, tags: { team: 'risk' }, actor: 'alice' })).toEqual([]);
    await tags.set({ modelName: 'churn', version: 2, tags: { team: 'growth', stage: 'qa' }, actor: 'bob' });
    expect(await tags.delete({ modelName: 'churn', version: 1, keys: ['stage', 'missing'], actor: 'bob' })).toEqual(['stage']);
    expect((await tags.list('churn')).map((t) => `${t.version}:${t.key}=${t.value}`)).toEqual(['1:team=risk', '2:stage=qa',
      '2:team=growth']);
    expect(await tags.versionsTagged([{ key: 'stage', value: 'qa' }])).toEqual([{ modelName: 'churn', version: 2 }]);
    expect(await tags.versionsTagged([{ key: 'team', value: 'risk' }, { key: 'stage', value: 'qa' }])).toEqual([]);
    expect((await tags.history('churn')).map((c) => [c.version, c.key, c.from, c.to, c.actor])).toEqual([
      [1, 'team', null, 'risk', 'alice'], [1, 'stage', null, 'qa', 'alice'], [2, 'team', null, 'growth', 'bob'],
      [2, 'stage', null, 'qa', 'bob'], [1, 'stage', 'qa', null, 'bob'],
    ]);
    expect((await audit.list({ model: 'churn' })).map((e) => e.kind)).toEqual(['tag.set', 'tag.set', 'tag.set', 'tag.set',
      'tag.deleted']);
    await expect(tags.set({ modelName: 'churn', version: 9, tags: { a: 'b' }, actor: 'x' })).rejects.toThrow(/churn@9/);
  });

  test('names keep to a safe alphabet', async () => {
    expect(aliasNameProblem('champion')).toBeNull();
    expect(aliasNameProblem('staging-eu_2')).toBeNull();
    for (const bad of ['Champion', '1st', 'a b', "x'--", '', 'a'.repeat(41)]) expect(aliasNameProblem(bad)).not.toBeNull();
    expect(parseTagAssignment('owner=team=risk')).toEqual({ key: 'owner', value: 'team=risk' });
    expect(parseTagAssignment('note=')).toEqual({ key: 'note', value: '' });
    expect(() => parseTagAssignment('=x')).toThrow(/key=value/);
    expect(() => parseTagAssignment('bad key=x')).toThrow(/tag key/);
  });
});

test('migration 6 keeps an existing alias history, its ids (audit keys) and its append-only guard', async () => {
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
    expect(await registry.aliasHistory('churn')).toEqual([expect.objectContaining({ fromVersion: null, toVersion: 1,
      actor: 'alice' })]);
    expect((await registry.audit.list({ model: 'churn' })).map((e) => e.eventKey)).toEqual(['alias-history/1']);
    expect(() => registry.sqlite.handle.prepare('UPDATE alias_history SET actor = ?').run('mallory')).toThrow(/append-only/);
  } finally {
    await registry.close();
  }
});
