import { ConfigError, parseModelSpec, type LifecycleResult, type LifecycleStatus } from '../../src/domain';
import { DemoStoryError, expectOutcome, expectStage, failureReport } from '../../scripts/lib/demo-story';
import { demoSettings, demoSpec } from '../../scripts/lib/demo-settings';
import { weatherSpec } from '../support/specs';

const rolledBack = {
  outcome: 'rolled-back',
  model: 'weather-classifier',
  version: 4,
  deployment: { reason: 'guard tripped at 10 %: not enough traffic to judge the candidate' },
} as unknown as LifecycleResult;

test('an outcome other than the narrated one is a one-line DemoStoryError naming the chapter and the reason', () => {
  expect(() => expectOutcome(rolledBack, 'deployed', 'chapter 1 (a release)')).toThrow(DemoStoryError);
  expect(() => expectOutcome(rolledBack, 'deployed', 'chapter 1 (a release)')).toThrow(
    'chapter 1 (a release): expected weather-classifier v4 to be deployed, it was rolled-back ' +
      '(guard tripped at 10 %: not enough traffic to judge the candidate)',
  );
  expect(() => expectOutcome({ ...rolledBack, outcome: 'deployed' }, 'deployed', 'chapter 1')).not.toThrow();
});

test('a run that stopped before the approval gate names its failed gate checks', () => {
  const status = {
    model: 'seattle-weather-run2',
    stage: 'not-blessed',
    evaluation: { checks: [{ name: 'vs-champion', passed: false, detail: 'accuracy dropped 0.031 > 0.02' }] },
  } as unknown as LifecycleStatus;
  expect(() => expectStage(status, 'awaiting-approval', 'chapter 3 (monitoring)')).toThrow(
    'chapter 3 (monitoring): seattle-weather-run2 stopped at not-blessed instead of awaiting-approval: ' +
      'accuracy dropped 0.031 > 0.02',
  );
});

test('the demo ends with one line for a story or configuration failure, and a stack for anything unexpected', () => {
  const story = new DemoStoryError('chapter 2: no rollback');
  expect(failureReport(story, false)).toBe('demo failed: chapter 2: no rollback');
  const config = failureReport(new ConfigError(['MLOPS_SERVER_PORT: not a port', 'MLOPS_DATA_DIR: empty']), false);
  expect(config).toBe('demo failed: invalid configuration: MLOPS_SERVER_PORT: not a port; MLOPS_DATA_DIR: empty');
  const unexpected = failureReport(new TypeError('x is undefined'), false).split('\n');
  expect(unexpected[0]).toBe('demo failed: x is undefined');
  expect(unexpected.length).toBeGreaterThan(2);
  expect(failureReport(story, true).split('\n').length).toBeGreaterThan(1);
});

test('fast mode shortens the canary bakes and widens only the latency and shift guards; flags are parsed explicitly', () => {
  const canary = { strategy: 'canary' as const, canary: { steps: [10, 100], bake: '10s' } };
  const parsed = parseModelSpec(weatherSpec({ deployment: canary }));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const fast = demoSettings([], { MLOPS_DEMO_FAST: '1' });
  expect(demoSpec(parsed.spec, fast).deployment.canary).toEqual({ steps: [10, 100], bake: '2s' });
  const { maxP99LatencyIncreaseMs, maxPredictionShift, ...otherGuards } = demoSpec(parsed.spec, fast).deployment.guards;
  expect([maxP99LatencyIncreaseMs, maxPredictionShift]).toEqual([2000, 0.5]);
  const { maxP99LatencyIncreaseMs: _asked, maxPredictionShift: _shift, ...askedGuards } = parsed.spec.deployment.guards;
  expect(otherGuards).toEqual(askedGuards);
  expect(demoSpec(parsed.spec, demoSettings(['--interactive'], {}))).toBe(parsed.spec);
  const slow = demoSettings(['--interactive'], { MLOPS_DEMO_FAST: 'false' });
  expect(slow).toEqual({ interactive: true, fast: false, debug: false });
  expect(() => demoSettings([], { MLOPS_DEMO_FAST: 'fast' })).toThrow(/MLOPS_DEMO_FAST must be 1 or 0/);
});
