import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../support/stack';
import { repoRoot } from '../support/paths';

/**
 * Saved histories (from `temporal workflow show --output json` of real demo runs) replayed against today's
 * workflow code: a change that would break running workflows (non-determinism) fails here, not in production.
 * Refresh a file deliberately, with a note in the commit, when a change is versioned (patched) on purpose.
 */
const dir = join(repoRoot, 'test/histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
/**
 * The workflow id a history was recorded under, where the code derives ids from it (a search's trial children
 * are `<lifecycle id>-trial-<n>`); the saved file does not carry it. Others replay under their file name.
 */
const RECORDED_WORKFLOW_IDS: Record<string, string> = {
  'lifecycle-hyper-search-children.json': 'lifecycle-weather-search-20261201T105615Z-fa25',
};

test('there are saved histories for every workflow type', () => {
  const types = new Set(files.map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] }).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
  expect([...types].sort()).toEqual([
    'deploymentWorkflow',
    'hyperSearchTrialWorkflow',
    'modelLifecycleWorkflow',
    'modelMonitorWorkflow',
  ]);
});

test.each(files)('replays %s deterministically', async (file) => {
  const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object);
  const workflowId = RECORDED_WORKFLOW_IDS[file] ?? file;
  const bundle = { workflowBundle: await workflowBundle() };
  await expect(Worker.runReplayHistory(bundle, history, workflowId)).resolves.toBeUndefined();
});
