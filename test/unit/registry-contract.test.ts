import { openRegistry, SqliteRegistry, SqlRegistry } from '../../src/adapters';
import {
  AuditConflictError,
  buildReferenceProfiles,
  VersionNotFoundError,
  type AuditEventInput,
  type MonitorReport,
  type NewDeployment,
  type NewVersion,
  type Registry,
} from '../../src/domain';
import { freshPostgresDatabase } from '../support/postgres';

/**
 * One contract, both implementations: every port method of the registry, its idempotency on replays and its
 * conflicts, run against SQLite (in memory) and a real PostgreSQL (a fresh database per test). The database's
 * own guards (immutable versions, append-only histories and audit) are proven with raw SQL.
 */
type Raw = (sql: string) => Promise<unknown>;
/**
 * Runs a statement the database must refuse: its error must name the guard. (In a jest worker that has run
 * another better-sqlite3 test file before, the native addon's error class belongs to a torn-down module
 * registry and a SQLite error may not reach JS at all; the statement is aborted all the same, so each test
 * also reads the rows back to prove nothing changed.)
 */
async function refused(raw: Raw, sql: string, pattern: RegExp): Promise<void> {
  const outcome = await raw(sql).then(() => null, (err: unknown) => err as Error);
  if (outcome) expect(outcome.message).toMatch(pattern);
}
const implementations: [string, () => Promise<{ registry: Registry; raw: Raw }>][] = [
  ['SQLite', async () => {
    const registry = new SqliteRegistry(':memory:');
    return { registry, raw: (sql) => registry.db.run(sql) };
  }],
  ['PostgreSQL', async () => {
    const url = await freshPostgresDatabase(expect.getState().currentTestName ?? 'contract');
    const registry = await openRegistry({ registryPath: 'unused', registryUrl: url });
    return { registry, raw: (sql) => (registry as SqlRegistry).db.run(sql) };
  }],
];

const metrics = { accuracy: 0.9, macroF1: 0.8, logLoss: 0.3, rows: 10 };
const version = (runId: string, modelName = 'churn'): NewVersion => ({
  modelName, status: 'pending_approval', datasetId: 'd1', datasetPath: 'file:///d.csv', datasetRows: 10,
  spec: { name: modelName }, params: { lr: 0.1 }, metrics,
  evaluation: { candidate: metrics, champion: null, checks: [], blessed: true, testRows: 3 },
  artifactPath: 'file:///a.json', artifactSha256: 'h', codeVersion: 'c1', workflowId: `wf-${runId}`, runId, requestedBy: 'rita',
});
const event = (seq: number, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  seq, at: `2026-01-01T00:00:0${seq}.000Z`, kind: 'decision.accepted', actor: 'alice', model: 'churn', version: 1,
  details: { decision: 'approve' }, ...over,
});
const deployment = (toVersion: number, workflowId = `deploy-v${toVersion}`): NewDeployment => ({
  model: 'churn', kind: 'release', strategy: 'canary', fromVersion: null, toVersion, actor: 'alice', workflowId, runId: 'r',
});
const plan = (production: number | null) => ({ fromVersion: production, strategy: production === null ? 'direct' as const : 'canary' as const });

describe.each(implementations)('registry contract: %s', (_name, open) => {
  let registry: Registry;
  let raw: Raw;
  beforeEach(async () => ({ registry, raw } = await open()));
  afterEach(() => registry.close());

  test('versions: numbered per model, idempotent per workflow run, lineage immutable, never deleted', async () => {
    expect(await registry.registerVersion(version('r1'))).toEqual({ version: 1, created: true });
    expect(await registry.registerVersion(version('r1'))).toEqual({ version: 1, created: false }); // a replay
    expect(await registry.registerVersion(version('r2'))).toEqual({ version: 2, created: true });
    expect(await registry.registerVersion(version('r3', 'other'))).toEqual({ version: 1, created: true });
    expect(await registry.getVersion('churn', 2)).toMatchObject({ modelName: 'churn', version: 2, status: 'pending_approval',
      spec: { name: 'churn' }, params: { lr: 0.1 }, metrics, artifactPath: 'file:///a.json', statusReason: null });
    await expect(registry.getVersion('churn', 9)).rejects.toThrow(VersionNotFoundError);
    expect((await registry.listVersions()).map((v) => `${v.modelName}@${v.version}`)).toEqual(['churn@1', 'churn@2', 'other@1']);
    expect(await registry.listVersions('other')).toHaveLength(1);
    await registry.setStatus('churn', 1, 'approved');
    await registry.setStatus('churn', 2, 'rolled_back', 'canary guard');
    expect(await registry.getVersion('churn', 2)).toMatchObject({ status: 'rolled_back', statusReason: 'canary guard' });
    await expect(registry.setStatus('churn', 7, 'approved')).rejects.toThrow(/no version churn@7/);
    await refused(raw, "UPDATE model_versions SET artifact_path = 'x'", /immutable/);
    await refused(raw, 'DELETE FROM model_versions', /cannot be deleted/);
    expect((await registry.listVersions()).map((v) => v.artifactPath)).toEqual(['file:///a.json', 'file:///a.json', 'file:///a.json']);
  });

  test('concurrent registrations from different runs get distinct consecutive versions', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((r) => registry.registerVersion(version(r))));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  test('decisions are recorded once per run, approver and kind', async () => {
    await registry.registerVersion(version('r1'));
    const decision = { kind: 'approve' as const, approver: 'alice', at: '2026-01-01T00:00:00.000Z', comment: 'ok', accepted: true };
    for (let i = 0; i < 2; i++) await registry.recordDecision({ modelName: 'churn', version: 1, decision, workflowId: 'wf', runId: 'r' });
    expect(await registry.decisionsFor('churn', 1)).toEqual([{ decision: 'approve', approver: 'alice', comment: 'ok', decidedAt: decision.at }]);
  });

  test('aliases move with history (once per run), are deleted, listed, and every move is audited', async () => {
    await registry.registerVersion(version('r1'));
    await registry.registerVersion(version('r2'));
    const move = { modelName: 'churn', alias: 'production', actor: 'alice', workflowId: 'wf', runId: 'r' };
    expect(await registry.moveAlias({ ...move, version: 1, reason: 'approved' })).toEqual({ from: null });
    expect(await registry.moveAlias({ ...move, version: 1 })).toEqual({ from: null }); // retried: no second move
    expect(await registry.moveAlias({ ...move, version: 2, runId: 'r2' })).toEqual({ from: 1 });
    await registry.moveAlias({ modelName: 'churn', alias: 'champion', version: 1, actor: 'bob' });
    expect(await registry.deleteAlias({ modelName: 'churn', alias: 'champion', actor: 'carol', reason: 'retired' })).toEqual({ from: 1 });
    expect(await registry.deleteAlias({ modelName: 'churn', alias: 'champion', actor: 'carol' })).toEqual({ from: null });
    await expect(registry.moveAlias({ ...move, version: 9 })).rejects.toThrow(VersionNotFoundError);
    expect((await registry.findByAlias('churn', 'production'))?.version).toBe(2);
    expect(await registry.findByAlias('churn', 'champion')).toBeNull();
    expect((await registry.listAliases()).map((a) => [a.modelName, a.alias, a.version])).toEqual([['churn', 'production', 2]]);
    expect(await registry.listAliases('other')).toEqual([]);
    expect((await registry.aliasHistory('churn')).map((h) => [h.fromVersion, h.toVersion, h.actor, h.workflowId, h.reason]))
      .toEqual([[null, 1, 'alice', 'wf', 'approved'], [1, 2, 'alice', 'wf', null]]);
    expect((await registry.aliasMoves('churn')).map((h) => [h.alias, h.toVersion, h.runId])).toEqual([
      ['production', 1, 'r'], ['production', 2, 'r2'], ['champion', 1, null], ['champion', null, null]]);
    expect((await registry.audit.list({ model: 'churn' })).map((e) => [e.kind, e.version, e.details['alias']])).toEqual([
      ['alias.moved', 1, 'production'], ['alias.moved', 2, 'production'], ['alias.moved', 1, 'champion'],
      ['alias.deleted', 1, 'champion']]);
    await refused(raw, "UPDATE alias_history SET actor = 'mallory'", /append-only/);
    await refused(raw, 'DELETE FROM alias_history', /append-only/);
    expect((await registry.aliasMoves('churn')).map((h) => h.actor)).toEqual(['alice', 'alice', 'bob', 'carol']);
  });

  test('markFailed leaves the version in production alone', async () => {
    await registry.registerVersion(version('r1'));
    await registry.registerVersion(version('r2'));
    await registry.moveAlias({ modelName: 'churn', alias: 'production', version: 1, actor: 'a' });
    expect(await registry.markFailed('churn', 1, 'deploy failed')).toBe('pending_approval');
    expect(await registry.markFailed('churn', 2, 'training failed')).toBe('failed');
    expect(await registry.getVersion('churn', 2)).toMatchObject({ status: 'failed', statusReason: 'training failed' });
  });

  test('audit: idempotent appends, conflicts refused whole, filters, append-only whatever the SQL', async () => {
    expect(await registry.audit.append('wf-1', 'run-1', [event(1), event(2)])).toEqual({ inserted: 2, alreadyStored: 0 });
    expect(await registry.audit.append('wf-1', 'run-1', [event(2, { at: 'later' }), event(3)])).toEqual({ inserted: 1, alreadyStored: 1 });
    await expect(registry.audit.append('wf-1', 'run-1', [event(4), event(1, { actor: 'mallory' })])).rejects.toThrow(AuditConflictError);
    expect((await registry.audit.list({ workflowId: 'wf-1', runId: 'run-1' })).map((e) => [e.eventKey, e.at])).toEqual([
      ['wf-1/run-1/1', event(1).at], ['wf-1/run-1/2', event(2).at], ['wf-1/run-1/3', event(3).at]]);
    expect(await registry.audit.list({ model: 'nobody' })).toEqual([]);
    await refused(raw, "UPDATE audit_events SET actor = 'mallory'", /append-only/);
    await refused(raw, 'DELETE FROM audit_events', /append-only/);
    expect((await registry.audit.list()).map((e) => e.actor)).toEqual(['alice', 'alice', 'alice']);
  });

  test('deployments: one runs, the rest queue FIFO; claims, steps, finish; idempotent begin', async () => {
    await registry.registerVersion(version('r1'));
    await registry.moveAlias({ modelName: 'churn', alias: 'production', version: 1, actor: 'a' });
    const first = await registry.deployments.begin(deployment(2), plan);
    expect(first).toMatchObject({ row: { state: 'running', fromVersion: 1, strategy: 'canary' }, waitingFor: null });
    expect((await registry.deployments.begin(deployment(2), plan)).row.id).toBe(first.row.id);
    const second = await registry.deployments.begin(deployment(3), plan);
    expect(second).toMatchObject({ row: { state: 'queued' }, waitingFor: { deploymentId: first.row.id, ahead: 1, state: 'running' } });
    expect((await registry.deployments.claim(second.row.id, plan)).waitingFor).toMatchObject({ deploymentId: first.row.id });
    await registry.deployments.recordSteps(first.row.id, [{ percent: 10 } as never]);
    expect((await registry.deployments.running('churn'))?.steps).toEqual([{ percent: 10 }]);
    const done = await registry.deployments.finish(first.row.id, 'promoted', 'guards held', []);
    expect(done).toMatchObject({ state: 'promoted', outcomeReason: 'guards held', finishedAt: expect.any(String) });
    expect(await registry.deployments.finish(first.row.id, 'failed', 'late', [])).toMatchObject({ state: 'promoted' });
    expect(await registry.deployments.claim(second.row.id, plan)).toMatchObject({ row: { state: 'running', fromVersion: 1 }, waitingFor: null });
    expect(await registry.deployments.queued('churn')).toEqual([]);
    expect((await registry.deployments.list('churn')).map((d) => d.toVersion)).toEqual([3, 2]);
    expect((await registry.deployments.get(second.row.id)).state).toBe('running');
    await expect(registry.deployments.get(999)).rejects.toThrow(/no deployment #999/);
    await refused(raw, "UPDATE deployments SET state = 'running'", /unique|UNIQUE/);
    expect((await registry.deployments.list('churn')).map((d) => d.state)).toEqual(['running', 'promoted']);
  });

  test('monitoring: profiles once and immutable, reports once per run, retrain recorded once', async () => {
    await registry.registerVersion(version('r1'));
    const profiles = buildReferenceProfiles([{ x: 1, y: 'a' }, { x: 2, y: 'b' }], [{ name: 'x', type: 'numeric' }], 'y');
    const saved = await registry.monitoring.saveProfile({ modelName: 'churn', version: 1, datasetId: 'd1', profiles });
    expect(saved.created).toBe(true);
    expect(await registry.monitoring.saveProfile({ modelName: 'churn', version: 1, datasetId: 'd1', profiles })).toEqual({ id: saved.id, created: false });
    expect(await registry.monitoring.getProfile('churn', 1)).toMatchObject({ id: saved.id, rows: 2, profiles });
    expect(await registry.monitoring.getProfile('churn', 2)).toBeNull();
    await refused(raw, "UPDATE reference_profiles SET rows = 0", /immutable/);
    const report = (id: string, end: string) => ({ id, model: 'churn', version: 1, profileId: saved.id, rows: 5,
      window: { start: '2026-01-01T00:00:00.000Z', end }, verdict: 'drift', drift: { dataset: { driftedShare: 0.625 } },
      createdAt: end }) as unknown as MonitorReport;
    const run = { workflowId: 'monitor-churn', runId: 'm1' };
    expect(await registry.monitoring.saveReport(report('rep-1', '2026-01-02T00:00:00.000Z'), run)).toMatchObject({ id: 'rep-1' });
    expect(await registry.monitoring.saveReport(report('rep-x', '2026-01-02T00:00:00.000Z'), run)).toMatchObject({ id: 'rep-1' });
    await registry.monitoring.saveReport(report('rep-2', '2026-01-03T00:00:00.000Z'), { ...run, runId: 'm2' });
    expect(await registry.monitoring.reportOfRun('monitor-churn', 'm2')).toMatchObject({ id: 'rep-2' });
    expect(await registry.monitoring.previousWindowEnd('churn', '2026-01-03T00:00:00.000Z')).toBe('2026-01-02T00:00:00.000Z');
    expect(await registry.monitoring.previousWindowEnd('churn', '2026-01-01T00:00:00.000Z')).toBeNull();
    expect(await registry.monitoring.lastRetrainStart('churn')).toBeNull();
    const started = { action: 'started' as const, kind: 'drift' as const, detail: 'drift', workflowId: 'retrain', runId: 'x', at: '2026-01-03T01:00:00.000Z' };
    await registry.monitoring.recordRetrain('rep-2', started);
    await registry.monitoring.recordRetrain('rep-2', { ...started, at: 'later' }); // once
    await expect(registry.monitoring.recordRetrain('rep-9', started)).rejects.toThrow(/no monitor report rep-9/);
    expect(await registry.monitoring.lastRetrainStart('churn')).toBe(started.at);
    const rows = await registry.monitoring.listReports('churn');
    expect(rows.map((r) => [r.id, r.driftShare, r.retrain?.action ?? null])).toEqual([['rep-2', 0.625, 'started'], ['rep-1', 0.625, null]]);
    expect(await registry.monitoring.listReports('churn', 1)).toHaveLength(1);
    expect((await registry.monitoring.getReport('rep-1'))?.report).toMatchObject({ id: 'rep-1', rows: 5 });
    expect(await registry.monitoring.getReport('nope')).toBeNull();
    await refused(raw, "UPDATE monitor_reports SET verdict = 'ok'", /immutable/);
    await refused(raw, 'DELETE FROM monitor_reports', /cannot be deleted/);
    expect((await registry.monitoring.listReports('churn')).map((r) => r.verdict)).toEqual(['drift', 'drift']);
    expect((await registry.monitoring.getProfile('churn', 1))?.rows).toBe(2);
  });

  test('tags: set, change, delete, search; history kept and audited; unknown versions refused', async () => {
    await registry.registerVersion(version('r1'));
    await registry.registerVersion(version('r2'));
    expect(await registry.tags.set({ modelName: 'churn', version: 1, tags: { team: 'risk', stage: 'qa' }, actor: 'alice' })).toEqual(['team', 'stage']);
    expect(await registry.tags.set({ modelName: 'churn', version: 1, tags: { team: 'risk' }, actor: 'alice' })).toEqual([]);
    await registry.tags.set({ modelName: 'churn', version: 2, tags: { stage: 'qa' }, actor: 'bob' });
    expect(await registry.tags.delete({ modelName: 'churn', version: 1, keys: ['stage', 'missing'], actor: 'bob' })).toEqual(['stage']);
    expect((await registry.tags.list()).map((t) => `${t.version}:${t.key}=${t.value}`)).toEqual(['1:team=risk', '2:stage=qa']);
    expect(await registry.tags.versionsTagged([{ key: 'stage', value: 'qa' }], 'churn')).toEqual([{ modelName: 'churn', version: 2 }]);
    expect((await registry.tags.history('churn')).map((c) => [c.version, c.key, c.from, c.to])).toEqual([
      [1, 'team', null, 'risk'], [1, 'stage', null, 'qa'], [2, 'stage', null, 'qa'], [1, 'stage', 'qa', null]]);
    expect((await registry.audit.list({ model: 'churn' })).map((e) => e.kind)).toEqual(['tag.set', 'tag.set', 'tag.set', 'tag.deleted']);
    await expect(registry.tags.set({ modelName: 'churn', version: 9, tags: { a: 'b' }, actor: 'x' })).rejects.toThrow(/churn@9/);
    await refused(raw, 'DELETE FROM version_tag_history', /append-only/);
    expect(await registry.tags.history('churn')).toHaveLength(4);
  });
});

test('PostgreSQL: TRUNCATE (which skips row triggers) is refused on append-only tables too', async () => {
  const registry = await openRegistry({ registryPath: 'unused', registryUrl: await freshPostgresDatabase('truncate') });
  try {
    for (const table of ['audit_events', 'alias_history', 'model_versions', 'version_tag_history', 'monitor_reports']) {
      await expect((registry as SqlRegistry).db.run(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(/append-only|cannot be deleted/);
    }
  } finally {
    await registry.close();
  }
});
