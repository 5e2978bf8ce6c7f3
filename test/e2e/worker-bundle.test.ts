import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultBundlePath } from '../../src/workers/workflow-bundle';
import { repoRoot, tempDir, temporalAddress } from '../support/paths';
import { runCompiled, spawnCompiled, waitForOutput } from '../support/processes';

/** The compiled worker against the prebuilt bundle that `npm test` (ensure-deps) builds into dist/. */
const distBundle = join(repoRoot, 'dist', 'workflow-bundle.js');
const env = () => ({ TEMPORAL_ADDRESS: temporalAddress(), MLOPS_DATA_DIR: tempDir('bundle'), MLOPS_TASK_QUEUE: `bundle-${Date.now().toString(36)}` });

test('the compiled worker loads the prebuilt workflow bundle instead of bundling at start', async () => {
  expect(defaultBundlePath.endsWith('workflow-bundle.js')).toBe(true);
  const worker = spawnCompiled('src/workers/main.js', [], env());
  try {
    await waitForOutput(worker, 'worker started');
    expect(worker.output()).toMatch(/"bundle":"prebuilt"/);
    expect(worker.output()).not.toMatch(/no prebuilt workflow bundle/);
  } finally {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
});

test('a bundle built from other workflow code is refused with a clear message', async () => {
  const dir = tempDir('stale-bundle');
  const codePath = join(dir, 'workflow-bundle.js');
  copyFileSync(distBundle, codePath);
  const manifest = JSON.parse(readFileSync(distBundle.replace(/\.js$/, '.json'), 'utf8')) as { sourceHash: string };
  writeFileSync(join(dir, 'workflow-bundle.json'), JSON.stringify({ ...manifest, sourceHash: '0'.repeat(64) }));
  const { code, output } = await runCompiled('src/workers/main.js', [], { ...env(), MLOPS_WORKFLOW_BUNDLE: codePath });
  expect(code).toBe(1);
  expect(output).toMatch(/the workflow bundle .*workflow-bundle\.js .* was built from other workflow code than this worker's .*run `npm run build`/);
});

test('the prebuilt bundle loads the shared libraries (zod, ed25519) once per worker, not once per run', () => {
  // The SDK runs `preloadModules` before any run exists and shares what it loads; an import webpack dropped
  // (packages with `sideEffects: false`) leaves an empty function and every cached run pays for its own copy.
  const code = readFileSync(distBundle, 'utf8');
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
  expect(preload).toMatch(/shared-libraries/);
});
