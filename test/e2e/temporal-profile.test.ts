import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lifecycleHandle, waitForStage } from '../../src/client';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { runCompiled, spawnCompiled, waitForOutput } from '../support/processes';
import { tempDir } from '../support/paths';
import { startPythonTrainer } from '../support/python-trainer';

/**
 * The CLI and a worker process connect through a Temporal envconfig profile (TOML file + TEMPORAL_PROFILE)
 * instead of TEMPORAL_ADDRESS: a real connection to the test dev server; a broken profile stops them clearly.
 */
let stack: TestStack;
const dir = tempDir('profile-e2e');
const configFile = join(dir, 'temporal.toml');
let profileEnv: Record<string, string>;

beforeAll(async () => {
  stack = await startStack('profile');
  const port = stack.config.temporal.address.split(':')[1];
  // `localhost` rather than the stack's 127.0.0.1, so the worker's log shows which address it used.
  writeFileSync(
    configFile,
    `[profile.ci]\naddress = "localhost:${port}"\nnamespace = "${stack.config.temporal.namespace}"\n\n` +
      '[profile.broken]\naddress = "localhost:1"\n[profile.broken.tls]\n' +
      `client_cert_path = "${join(dir, 'missing-client.pem')}"\nclient_key_path = "${join(dir, 'missing-client.key')}"\n`,
  );
  const { TEMPORAL_ADDRESS: _replacedByProfile, ...rest } = stack.env;
  profileEnv = { ...rest, TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'ci' };
});
afterAll(async () => stack?.close());

test('the CLI and a worker connect with the profile: a run started and approved through it is deployed', async () => {
  expect(process.env['TEMPORAL_ADDRESS']).toBeUndefined(); // the child processes' only address is the profile's
  const worker = spawnCompiled('src/workers/main.js', [], profileEnv);
  try {
    await waitForOutput(worker, 'worker started');
    expect(worker.output()).toMatch(/"address":"localhost:\d+"/);
    expect(worker.output()).toContain(`"profile":"profile \\"ci\\" of TEMPORAL_CONFIG_FILE=${configFile}"`);

    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(weatherSpec({ name: 'weather-profile' })));
    const run = await runCompiled('src/cli/main.js', ['run', specPath, '--as', 'profile-user', '--json'], profileEnv);
    expect(run.code).toBe(0);
    const { workflowId } = JSON.parse(run.output) as { workflowId: string };
    await waitForStage(stack.client, workflowId, ['awaiting-approval']);
    const approve = await runCompiled('src/cli/main.js', ['approve', workflowId, '--as', 'alice'], profileEnv);
    expect(approve.code).toBe(0);
    expect(await lifecycleHandle(stack.client, workflowId).result()).toMatchObject({ outcome: 'deployed', version: 1 });

    // The Python training worker reads the same profile (its ready line follows a successful connection).
    const trainer = await startPythonTrainer(profileEnv);
    await trainer.stop();
  } finally {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
});

test('a profile naming a missing certificate stops the CLI and the worker with the setting named, non-zero', async () => {
  const env = { ...profileEnv, TEMPORAL_PROFILE: 'broken' };
  const setting = /tls\.client_cert_path of profile "broken" of TEMPORAL_CONFIG_FILE=.*: file not found \(.*missing-client\.pem\)/;
  const cli = await runCompiled('src/cli/main.js', ['models'], env);
  expect(cli.code).toBe(3);
  expect(cli.output).toMatch(setting);
  expect(cli.output).toMatch(/tls\.client_key_path of profile "broken"/);
  const worker = await runCompiled('src/workers/main.js', [], env);
  expect(worker.code).toBe(1);
  expect(worker.output).toMatch(setting);
  expect(worker.output).not.toMatch(/^\s+at /m); // a message, not a stack trace
  await expect(startPythonTrainer(env)).rejects.toThrow(/exited \(1\)[^]*invalid configuration[^]*missing-client\.pem/);
});
