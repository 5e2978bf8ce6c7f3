import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import {
  ApproverDirectoryError,
  ApproverDirectoryFiles,
  AuditConflictError,
  SqliteRegistry,
  type NewVersion,
} from '../../../src/adapters';
import { createGovernanceActivities } from '../../../src/activities/governance-activities';
import { typed } from '../../../src/activities/failures';
import { FailureType, type AuditEventInput, type AuditLog } from '../../../src/domain';
import { tempDir } from '../../support/paths';

const event = (seq: number, over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  seq,
  at: `2026-01-01T00:00:0${seq}.000Z`,
  kind: 'decision.accepted',
  actor: 'alice',
  model: 'churn',
  version: 1,
  details: { decision: 'approve', via: 'signal' },
  ...over,
});

describe('audit log (SQLite)', () => {
  let registry: SqliteRegistry;
  let audit: AuditLog;
  beforeEach(async () => {
    registry = new SqliteRegistry(':memory:');
    audit = registry.audit;
  });
  afterEach(() => registry.close());

  test('appends are idempotent per workflow run and sequence number (a retried activity adds nothing)', async () => {
    expect(await audit.append('wf-1', 'run-1', [event(1), event(2)])).toEqual({ inserted: 2, alreadyStored: 0 });
    expect(await audit.append('wf-1', 'run-1', [event(2), event(3)])).toEqual({ inserted: 1, alreadyStored: 1 });
    expect(await audit.append('wf-1', 'run-2', [event(1)])).toEqual({ inserted: 1, alreadyStored: 0 });
    const keys = (await audit.list({ workflowId: 'wf-1', runId: 'run-1' })).map((e) => e.eventKey);
    expect(keys).toEqual(['wf-1/run-1/1', 'wf-1/run-1/2', 'wf-1/run-1/3']);
    expect(await audit.list({ model: 'churn' })).toHaveLength(4);
    expect(await audit.list({ model: 'other' })).toEqual([]);
  });

  test('the same batch appended twice leaves one row per event, untouched', async () => {
    const batch = [event(1), event(2, { kind: 'approval.closed' })];
    expect(await audit.append('wf-1', 'run-1', batch)).toEqual({ inserted: 2, alreadyStored: 0 });
    const first = await audit.list();
    expect(await audit.append('wf-1', 'run-1', batch)).toEqual({ inserted: 0, alreadyStored: 2 });
    expect(await audit.list()).toEqual(first);
  });

  test('a re-recorded event with another `at` and details from it is the same event: the first copy stands', async () => {
    // What a workflow task retried after a crash records: the same event, stamped with the retry's workflow time.
    const stored = event(1, { kind: 'approval.requested', details: { openedAt: '2026-01-01T00:00:01.000Z' } });
    await audit.append('wf-1', 'run-1', [stored]);
    const first = await audit.list();
    const retried = { ...stored, at: '2026-01-01T00:00:12.000Z', details: { openedAt: '2026-01-01T00:00:12.000Z' } };
    expect(await audit.append('wf-1', 'run-1', [retried, event(2)])).toEqual({ inserted: 1, alreadyStored: 1 });
    expect((await audit.list())[0]).toEqual(first[0]);
    expect(await audit.list()).toHaveLength(2);
  });

  test('another kind, actor, model or version under a stored key: AuditConflict naming the key, nothing stored', async () => {
    await audit.append('wf-1', 'run-1', [event(1)]);
    const conflicts: [Partial<AuditEventInput>, RegExp][] = [
      [{ kind: 'decision.refused' }, /kind decision\.accepted ≠ decision\.refused/],
      [{ actor: 'mallory' }, /actor alice ≠ mallory/],
      [{ model: 'other' }, /model churn ≠ other/],
      [{ version: 2 }, /version 1 ≠ 2/],
    ];
    for (const [change, difference] of conflicts) {
      const attempt = () => audit.append('wf-1', 'run-1', [event(2), event(1, change)]);
      await expect(attempt()).rejects.toThrow(AuditConflictError);
      await expect(attempt()).rejects.toThrow(difference);
      await expect(attempt()).rejects.toThrow(/audit event wf-1\/run-1\/1 is already stored/);
    }
    expect((await audit.list()).map((e) => e.eventKey)).toEqual(['wf-1/run-1/1']); // event 2 of the refused batches: not stored
  });

  test('an event re-appended with a later time (its workflow task ran again after a crash) keeps the first time', async () => {
    await audit.append('wf-1', 'run-1', [event(1), event(2)]);
    const later = (seq: number) => event(seq, { at: '2026-01-01T00:01:00.000Z' });
    expect(await audit.append('wf-1', 'run-1', [later(2), later(3)])).toEqual({ inserted: 1, alreadyStored: 1 });
    expect((await audit.list({ runId: 'run-1' })).map((e) => e.at)).toEqual([event(1).at, event(2).at, later(3).at]);
    // What happened (kind, actor, model, version) must match; a different actor under the key is a conflict.
    await expect(audit.append('wf-1', 'run-1', [event(2, { at: 'x', actor: 'mallory' })])).rejects.toThrow(/already stored as another event/);
  });

  test('the database refuses to update or delete audit rows, whatever the SQL', async () => {
    await audit.append('wf-1', 'run-1', [event(1)]);
    expect(() => registry.sqlite.handle.prepare("UPDATE audit_events SET actor = 'mallory'").run()).toThrow(/append-only/);
    expect(() => registry.sqlite.handle.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(() => registry.sqlite.handle.prepare("INSERT OR REPLACE INTO audit_events (event_key, at, recorded_at, kind, actor, details_json) VALUES ('wf-1/run-1/1', 'x', 'x', 'x', 'mallory', '{}')").run()).toThrow(/append-only/);
    expect(() => registry.sqlite.handle.prepare("INSERT OR REPLACE INTO audit_events (id, event_key, at, recorded_at, kind, actor, details_json) VALUES (1, 'new', 'x', 'x', 'x', 'mallory', '{}')").run()).toThrow(/append-only/);
    expect(() => registry.sqlite.handle.prepare("UPDATE OR REPLACE audit_events SET event_key = 'x'").run()).toThrow(/append-only/);
    expect((await audit.list())[0]).toMatchObject({ actor: 'alice', details: { decision: 'approve' } });
  });

  test('activity killed after its insert, then retried: one row per event; conflicts are non-retryable', async () => {
    const logger = pino({ level: 'silent' });
    let crashAfterInsert = true;
    const crashing = {
      append: async (workflowId: string, runId: string, events: readonly AuditEventInput[]) => {
        const result = await audit.append(workflowId, runId, events);
        // Committed, never acknowledged: the worker dies before the local activity's completion is recorded.
        if (crashAfterInsert) throw new Error('worker killed before the activity completed');
        return result;
      },
    };
    const governance = { audit: crashing, approvers: { load: async () => ({ people: {} }) }, workflowLink: () => '' };
    const appendAuditEvents = typed(createGovernanceActivities({ governance, logger }).appendAuditEvents);
    const info = { workflowExecution: { workflowId: 'wf-1', runId: 'run-1' }, isLocal: true };
    const quiet = { logger: new DefaultLogger('ERROR') };
    const run = (attempt: number, events: AuditEventInput[]) =>
      new MockActivityEnvironment({ ...info, attempt }, quiet).run(appendAuditEvents, { events });

    const batch = [event(1), event(2)];
    await expect(run(1, batch)).rejects.toThrow(/worker killed/);
    crashAfterInsert = false;
    // The workflow task's retry records the same events later: another `at`.
    const retried = batch.map((e) => ({ ...e, at: '2026-01-01T00:01:00.000Z' }));
    expect(await run(1, retried)).toEqual({ inserted: 0, alreadyStored: 2 });
    expect(await run(2, [...batch, event(3)])).toEqual({ inserted: 1, alreadyStored: 2 });
    expect((await audit.list()).map((e) => [e.eventKey, e.at])).toEqual([
      ['wf-1/run-1/1', '2026-01-01T00:00:01.000Z'],
      ['wf-1/run-1/2', '2026-01-01T00:00:02.000Z'],
      ['wf-1/run-1/3', '2026-01-01T00:00:03.000Z'],
    ]);

    const conflict = await run(1, [event(3, { kind: 'model.deployed' })]).catch((err: unknown) => err);
    expect(conflict).toBeInstanceOf(ApplicationFailure);
    const details = [{ eventKey: 'wf-1/run-1/3', differences: ['kind decision.accepted ≠ model.deployed'] }];
    expect(conflict).toMatchObject({ type: FailureType.AuditConflict, nonRetryable: true, details });
  });

  test('every alias move is audited by the database, in the same transaction', async () => {
    const version: NewVersion = {
      modelName: 'churn', status: 'approved', datasetId: 'd', datasetPath: '/d', datasetRows: 1, spec: {}, params: {},
      metrics: { accuracy: 1, macroF1: 1, logLoss: 0, rows: 1 }, evaluation: { candidate: { accuracy: 1, macroF1: 1, logLoss: 0, rows: 1 }, champion: null, checks: [], blessed: true, testRows: 1 },
      artifactPath: '/a', artifactSha256: 'h', codeVersion: null, workflowId: 'wf-1', runId: 'run-1', requestedBy: 'rita',
    };
    await registry.registerVersion(version);
    await registry.moveAlias({ modelName: 'churn', alias: 'production', version: 1, actor: 'alice', workflowId: 'wf-1', runId: 'run-1', reason: 'approved' });
    await registry.moveAlias({ modelName: 'churn', alias: 'production', version: 1, actor: 'alice', workflowId: 'wf-1', runId: 'run-1' }); // retried: no second move
    expect(await audit.list()).toEqual([
      expect.objectContaining({ kind: 'alias.moved', actor: 'alice', model: 'churn', version: 1, workflowId: 'wf-1', runId: 'run-1', details: { alias: 'production', fromVersion: null, toVersion: 1, reason: 'approved' } }),
    ]);
  });
});

describe('approver directory (files)', () => {
  test('reads roles from the approvers file and Ed25519 keys from the keys directory; missing ones are empty', async () => {
    const dir = tempDir('approvers');
    const keys = join(dir, 'keys');
    mkdirSync(keys);
    writeFileSync(join(dir, 'approvers.json'), JSON.stringify({ approvers: { Alice: { roles: ['ml-lead'] }, bob: { roles: [] } } }));
    const { publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(keys, 'alice.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(keys, 'carol.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(keys, 'README'), 'ignored');
    const loaded = await new ApproverDirectoryFiles(join(dir, 'approvers.json'), keys).load();
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64');
    expect(loaded.people).toEqual({ alice: { roles: ['ml-lead'], publicKey: raw }, bob: { roles: [] }, carol: { roles: [], publicKey: raw } });
    expect(await new ApproverDirectoryFiles(join(dir, 'none.json'), join(dir, 'none')).load()).toEqual({ people: {} });
  });

  test('a malformed approvers file or a non-Ed25519 key is an error, never skipped', async () => {
    const dir = tempDir('approvers-bad');
    writeFileSync(join(dir, 'approvers.json'), JSON.stringify({ approvers: { alice: { role: 'typo' } } }));
    await expect(new ApproverDirectoryFiles(join(dir, 'approvers.json'), dir).load()).rejects.toThrow(ApproverDirectoryError);
    const keys = join(dir, 'keys');
    mkdirSync(keys);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(keys, 'bob.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    await expect(new ApproverDirectoryFiles(join(dir, 'missing.json'), keys).load()).rejects.toThrow(/ec key; approver keys must be Ed25519/);
  });
});
