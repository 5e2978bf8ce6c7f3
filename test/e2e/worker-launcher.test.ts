import { join } from 'node:path';
import { heapMbNeededForCache } from '../../src/domain';
import { repoRoot, tempDir, temporalAddress } from '../support/paths';
import { spawnCommand, waitForOutput, type SpawnedProcess } from '../support/processes';

/**
 * `npm run worker` (scripts/worker.sh, also what `npm start` runs) caps the worker's V8 heap, so a worker with
 * many parked runs keeps a bounded RSS (README "scale — parked approvals"); the worker checks at start that the
 * cap leaves room for its workflow cache.
 */
const env = (extra: Record<string, string> = {}) => ({
  TEMPORAL_ADDRESS: temporalAddress(),
  MLOPS_DATA_DIR: tempDir('launcher'),
  MLOPS_TASK_QUEUE: `launcher-${Date.now().toString(36)}`,
  ...extra,
});

/** Starts the launcher, returns the "worker started" line and any warnings before it, then stops the worker. */
async function startedLine(extra: Record<string, string>): Promise<{ started: Record<string, unknown>; warnings: Record<string, unknown>[] }> {
  const worker: SpawnedProcess = spawnCommand('bash', [join(repoRoot, 'scripts/worker.sh')], env(extra));
  try {
    await waitForOutput(worker, 'worker started');
    const lines = worker.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.find((l) => l['msg'] === 'worker started');
    if (!started) throw new Error(worker.output());
    return { started, warnings: lines.filter((l) => l['level'] === 40 && l['component'] !== 'temporal-sdk') };
  } finally {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
}

test('the launcher caps the heap at 192 MB by default and at MLOPS_WORKER_HEAP_MB when set', async () => {
  // heap_size_limit is the old space cap plus the young generation's few tens of MB.
  const byDefault = await startedLine({});
  expect(byDefault.started['heapLimitMb']).toBeGreaterThanOrEqual(192);
  expect(byDefault.started['heapLimitMb']).toBeLessThan(192 + 100);
  expect(byDefault.warnings).toEqual([]);
  const raised = await startedLine({ MLOPS_WORKER_HEAP_MB: '600' });
  expect(raised.started['heapLimitMb']).toBeGreaterThanOrEqual(600);
  expect(raised.started['heapLimitMb']).toBeLessThan(600 + 100);
});

test('a worker whose heap cannot hold its workflow cache says so at start, with what it needs', async () => {
  const { warnings } = await startedLine({ MLOPS_WORKER_MAX_CACHED_WORKFLOWS: '1000' });
  expect(warnings).toEqual([
    expect.objectContaining({ heapNeededMb: heapMbNeededForCache(1000), maxCachedWorkflows: 1000, msg: expect.stringMatching(/raise MLOPS_WORKER_HEAP_MB/) }),
  ]);
});
