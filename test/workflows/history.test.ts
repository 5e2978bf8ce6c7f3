import { lifecycleHandle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { parseModelSpec, type ModelSpecInput, type TimelineEntry, type VersionComparison } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { runCompiled } from '../support/processes';

let stack: TestStack;
const model = 'weather-history';
beforeAll(async () => {
  stack = await startStack('history');
  await stack.startWorker();
  // v1: both cities, approved and deployed; v2: Seattle only, another training setting, rejected.
  await runToDecision({}, 'approve', 'alice');
  await runToDecision({ dataset: { ...weatherSpec().dataset, where: "location = 'Seattle'" } }, 'reject', 'bob', 80);
});
afterAll(async () => stack?.close());

type Kind = 'approve' | 'reject';
async function runToDecision(overrides: Partial<ModelSpecInput>, kind: Kind, approver: string, epochs = 60) {
  const base = weatherSpec({ name: model, ...overrides });
  const parsed = parseModelSpec({ ...base, training: { ...base.training, epochs } });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const { workflowId } = await startLifecycle(stack.client, stack.config, { spec: parsed.spec, requestedBy: 'carol' });
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, workflowId, kind, { approver, comment: `${kind} from the history test` });
  await lifecycleHandle(stack.client, workflowId).result();
}

const mlops = async (...args: string[]) => {
  const r = await runCompiled('src/cli/main.js', args, stack.env);
  expect(r.code).toBe(0);
  return r.output;
};

test("timeline: the model's story in order, from a registry built by real runs, with UI links", async () => {
  type Entry = TimelineEntry & { ui: string };
  const { entries } = JSON.parse(await mlops('timeline', model, '--json')) as { entries: Entry[] };
  const story = entries.map((e) => `${e.kind} v${e.version}`);
  const order = ['version.registered v1', 'decision.accepted v1', 'deployment.started v1', 'alias.moved v1',
    'deployment.finished v1', 'version.registered v2', 'decision.accepted v2'];
  expect(story.filter((s) => order.includes(s))).toEqual(order);
  expect(entries).toContainEqual(expect.objectContaining({ kind: 'decision.accepted', version: 2, actor: 'bob',
    summary: 'reject by bob: "reject from the history test"' }));
  expect(entries.find((e) => e.kind === 'alias.moved')?.summary).toBe('alias production: set to v1 (approved in ' +
    `${entries[0]!.workflowId})`);
  expect(entries[0]!.ui).toContain(`/workflows/${entries[0]!.workflowId}/${entries[0]!.runId}/history`);
  expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
  expect(await mlops('timeline', model)).toMatch(/version\.registered\s+2\s+carol\s+v2 registered \(rejected\)/);
});

test('compare: metrics with differences, data, params, and the drift between the two training sets', async () => {
  const c = JSON.parse(await mlops('compare', model, '1', '2', '--json')) as VersionComparison;
  expect(c.a).toMatchObject({ version: 1, status: 'deployed' });
  expect(c.b).toMatchObject({ version: 2, status: 'rejected' });
  const accuracy = c.metrics.find((m) => m.metric === 'accuracy')!;
  expect(accuracy.difference).toBeCloseTo(accuracy.b! - accuracy.a!, 12);
  expect(c.dataset.snapshot.same).toBe(false);
  expect(c.dataset.rows.b).toBeLessThan(c.dataset.rows.a);
  expect(c.params).toContainEqual({ key: 'epochs', a: 60, b: 80, same: false });
  expect(c.codeVersion).toEqual({ a: 'test', b: 'test', same: true });
  // v2 saw Seattle only: location drifted; the weather itself of one city differs less than the city mix.
  if (!c.drift.report) throw new Error(`no drift report: ${c.drift.reason}`);
  expect(c.drift.report.features.find((f) => f.feature === 'location')).toMatchObject({ judged: true, drifted: true });
  const human = await mlops('compare', model, 'v1', 'v2');
  expect(human).toMatch(/accuracy\s+0\.\d{4}\s+0\.\d{4}\s+[+-]0\.\d{4}/);
  expect(human).toMatch(/training-data drift of v2 against v1: \d\/5 features drifted/);
  const missing = await runCompiled('src/cli/main.js', ['compare', model, '1', '9'], stack.env);
  expect(missing.code).toBe(1);
  expect(missing.output).toMatch(/weather-history@9 is not registered/);
});

test('tags: set, shown and searched in `models`, deleted; audited', async () => {
  expect(await mlops('tag', model, 'v1', 'team=weather', 'reviewed=yes', '--as', 'alice')).toMatch(
    /v1: set team, reviewed\n {2}tags: reviewed=yes, team=weather/);
  await mlops('tag', model, '2', 'team=weather', '--as', 'bob');
  const tagged = JSON.parse(await mlops('models', '--model', model, '--tag', 'reviewed=yes', '--json')) as {
    versions: { version: number; tags: Record<string, string> }[];
  };
  expect(tagged.versions.map((v) => [v.version, v.tags])).toEqual([[1, { reviewed: 'yes', team: 'weather' }]]);
  expect(await mlops('models', '--model', model, '--tag', 'team=weather')).toMatch(
    /weather-history\s+2\s+rejected\s+team=weather/);
  await mlops('tag', model, '1', '--delete', 'reviewed', '--as', 'alice');
  expect(await mlops('models', '--tag', 'reviewed=yes')).toBe('no versions tagged reviewed=yes\n');
  const audit = JSON.parse(await mlops('audit', '--model', model, '--json')) as { kind: string; actor: string; details: unknown }[];
  expect(audit.filter((e) => e.kind.startsWith('tag.')).map((e) => [e.kind, e.actor, e.details])).toEqual([
    ['tag.set', 'alice', { key: 'team', from: null, to: 'weather' }],
    ['tag.set', 'alice', { key: 'reviewed', from: null, to: 'yes' }],
    ['tag.set', 'bob', { key: 'team', from: null, to: 'weather' }],
    ['tag.deleted', 'alice', { key: 'reviewed', from: 'yes', to: null }],
  ]);
  // The timeline tells the same changes, each at its version, in order.
  const { entries } = JSON.parse(await mlops('timeline', model, '--json')) as { entries: TimelineEntry[] };
  expect(entries.filter((e) => e.kind.startsWith('tag.')).map((e) => [e.kind, e.version, e.actor, e.summary])).toEqual([
    ['tag.set', 1, 'alice', 'tag team on v1: set to "weather"'],
    ['tag.set', 1, 'alice', 'tag reviewed on v1: set to "yes"'],
    ['tag.set', 2, 'bob', 'tag team on v2: set to "weather"'],
    ['tag.deleted', 1, 'alice', 'tag reviewed on v1: deleted (was "yes")'],
  ]);
  expect(await mlops('timeline', model)).toMatch(/tag\.deleted\s+1\s+alice\s+tag reviewed on v1: deleted/);
  const bad = await runCompiled('src/cli/main.js', ['tag', model, '1', 'no spaces=x'], stack.env);
  expect(bad.code).toBe(2);
});

test('aliases besides production: set, moved, deleted, with history, audit and timeline; production refused', async () => {
  expect(await mlops('alias', 'set', model, 'champion', '1', '--as', 'alice', '--reason', 'serving well'))
    .toBe(`${model}: champion set to v1\n`);
  expect(await mlops('alias', 'set', model, 'champion', 'v2', '--as', 'bob')).toBe(`${model}: champion moved v1 → v2\n`);
  expect(await mlops('alias', 'delete', model, 'champion', '--as', 'carol', '--reason', 'v2 was rejected'))
    .toBe(`${model}: champion deleted (was v2)\n`);
  await mlops('alias', 'set', model, 'staging', '2', '--as', 'bob');
  expect(await mlops('models', '--model', model)).toMatch(/weather-history\s+2\s+rejected\s+staging/);

  const { aliases, history } = JSON.parse(await mlops('alias', 'list', model, '--json')) as {
    aliases: { alias: string; version: number }[];
    history: { alias: string; fromVersion: number | null; toVersion: number | null; actor: string }[];
  };
  expect(aliases.map((a) => `${a.alias}=v${a.version}`)).toEqual(['production=v1', 'staging=v2']);
  expect(history.filter((h) => h.alias === 'champion').map((h) => [h.fromVersion, h.toVersion, h.actor]))
    .toEqual([[null, 1, 'alice'], [1, 2, 'bob'], [2, null, 'carol']]);
  const audit = JSON.parse(await mlops('audit', '--model', model, '--json')) as { kind: string; actor: string; details: unknown }[];
  expect(audit.filter((e) => e.kind.startsWith('alias.') && e.actor === 'carol')).toEqual([expect.objectContaining({
    kind: 'alias.deleted', version: 2, details: { alias: 'champion', fromVersion: 2, toVersion: null,
      reason: 'v2 was rejected' } })]);
  const { entries } = JSON.parse(await mlops('timeline', model, '--json')) as { entries: TimelineEntry[] };
  expect(entries.filter((e) => e.summary.startsWith('alias champion')).map((e) => e.summary)).toEqual([
    'alias champion: set to v1 (serving well)', 'alias champion: v1 → v2',
    'alias champion: deleted (was v2) (v2 was rejected)']);

  for (const argv of [['set', model, 'production', '2'], ['delete', model, 'production']]) {
    const refused = await runCompiled('src/cli/main.js', ['alias', ...argv], stack.env);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('"production" is moved only by deployments');
    expect(refused.output).toContain(`mlops rollback ${model} --to <version>`);
  }
  const unsafe = await runCompiled('src/cli/main.js', ['alias', 'set', model, "x'; drop", '1'], stack.env);
  expect(unsafe.code).toBe(2);
  expect(unsafe.output).toMatch(/must start with a lower-case letter/);
});
