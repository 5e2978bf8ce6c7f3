import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lifecycleHandle, waitForStage } from '../../src/client';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { runCompiled } from '../support/processes';
import { tempDir } from '../support/paths';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack('cli');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

const mlops = (...args: string[]) => runCompiled('src/cli/main.js', args, stack.env);

test('the whole story through the mlops CLI: run, status, approve, models', async () => {
  const specPath = join(tempDir('cli-spec'), 'spec.json');
  writeFileSync(specPath, JSON.stringify(weatherSpec({ name: 'weather-cli' })));

  const run = await mlops('run', specPath, '--as', 'cli-user', '--reason', 'e2e', '--json');
  expect(run.code).toBe(0);
  const started = JSON.parse(run.output) as { workflowId: string; runId: string; ui: string; model: string };
  expect(started.workflowId).toMatch(/^lifecycle-weather-cli-\d{8}T\d{6}Z-[0-9a-f]{4}$/);
  expect(started.ui).toContain(`/workflows/${started.workflowId}/${started.runId}/history`);

  await waitForStage(stack.client, started.workflowId, ['awaiting-approval']);
  const status = await mlops('status', started.workflowId, '--json');
  expect(status.code).toBe(0);
  expect(JSON.parse(status.output)).toMatchObject({ execution: 'RUNNING', status: { stage: 'awaiting-approval', requestedBy: 'cli-user', reason: 'e2e', version: 1 } });
  const human = await mlops('status', started.workflowId);
  expect(human.output).toMatch(/stage:\s+awaiting-approval/);
  expect(human.output).toMatch(/candidate\s+\d+\.\d%/);

  const approve = await mlops('approve', started.workflowId, '--as', 'alice', '--comment', 'ship it');
  expect(approve.code).toBe(0);
  expect(await lifecycleHandle(stack.client, started.workflowId).result()).toMatchObject({ outcome: 'deployed', version: 1 });

  const models = await mlops('models', '--model', 'weather-cli', '--json');
  expect(models.code).toBe(0);
  const listing = JSON.parse(models.output) as { versions: { version: number; status: string; workflowId: string }[]; aliases: { alias: string; version: number }[] };
  expect(listing.versions).toEqual([expect.objectContaining({ version: 1, status: 'deployed', workflowId: started.workflowId })]);
  expect(listing.aliases).toEqual([expect.objectContaining({ alias: 'production', version: 1 })]);
  expect((await mlops('models')).output).toMatch(/weather-cli\s+1\s+deployed\s+production/);
});

test('usage, spec and configuration errors have distinct exit codes and clear messages', async () => {
  const missingAs = await mlops('approve', 'some-id');
  expect(missingAs.code).toBe(2);
  expect(missingAs.output).toMatch(/--as is required/);

  const badSpecPath = join(tempDir('cli-bad'), 'bad.json');
  writeFileSync(badSpecPath, JSON.stringify({ name: 'X', features: [] }));
  const badSpec = await mlops('run', badSpecPath);
  expect(badSpec.code).toBe(2);
  expect(badSpec.output).toMatch(/invalid spec .*bad\.json/);
  expect(badSpec.output).toMatch(/name: lowercase letters/);

  expect((await mlops('frobnicate')).code).toBe(2);
  expect((await mlops('run', '--help')).output).toMatch(/usage: mlops run <spec\.json>/);

  const badConfig = await runCompiled('src/cli/main.js', ['models'], { ...stack.env, MLOPS_SERVER_PORT: 'abc' });
  expect(badConfig.code).toBe(3);
  expect(badConfig.output).toMatch(/MLOPS_SERVER_PORT/);

  const unknownWorkflow = await mlops('status', 'no-such-workflow');
  expect(unknownWorkflow.code).toBe(1);
  expect(unknownWorkflow.output).toMatch(/no-such-workflow/i);
});
