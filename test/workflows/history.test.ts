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
