import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSchema, parseConfig, workflowUiLink } from '../../src/domain';
import { repoRoot } from '../support/paths';

test('defaults give a complete, frozen config for a local dev stack', () => {
  const c = parseConfig({});
  expect(c.temporal).toEqual({
    address: '127.0.0.1:7233',
    namespace: 'default',
    uiUrl: 'http://localhost:8233',
    taskQueue: 'mlops',
    trainingTaskQueue: 'mlops-training',
    builtinTrainingTaskQueue: 'mlops-builtin-training',
    transport: {},
  });
  expect(c.worker).toMatchObject({ role: 'all', maxConcurrentActivities: 4, maxTrainingActivities: 2 });
  expect(c.registryPath).toBe('.data/registry.db');
  expect(c.server.url).toBe('http://127.0.0.1:8700');
  expect(Object.isFrozen(c)).toBe(true);
  expect(workflowUiLink(c, 'lifecycle-x', 'r1')).toBe('http://localhost:8233/namespaces/default/workflows/lifecycle-x/r1/history');
});

test('a bad value stops with a message naming the setting and the value', () => {
  expect(() => parseConfig({ MLOPS_SERVER_PORT: 'eighty' })).toThrow(ConfigError);
  expect(() => parseConfig({ MLOPS_SERVER_PORT: '70000' })).toThrow(/MLOPS_SERVER_PORT.*"70000"/);
  expect(() => parseConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_ADDRESS: host:port/);
  expect(() => parseConfig({ MLOPS_ADMIN_TOKEN: 'short' })).toThrow(/MLOPS_ADMIN_TOKEN/);
});

test('boolean flags parse "false" as false (no z.coerce.boolean pitfall)', () => {
  expect(parseConfig({ MLOPS_LOG_PRETTY: 'false' }).log.pretty).toBe(false);
  expect(parseConfig({ MLOPS_LOG_PRETTY: '1' }).log.pretty).toBe(true);
  expect(() => parseConfig({ MLOPS_LOG_PRETTY: 'maybe' })).toThrow(/MLOPS_LOG_PRETTY/);
});

test.each(Object.keys(configSchema.shape))('setting %s is documented in the README', (name) => {
  expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain(`\`${name}\``);
});

test('the worker metrics endpoint is off unless a port is set', () => {
  expect(parseConfig({}).workerMetricsAddress).toBeUndefined();
  expect(parseConfig({ MLOPS_WORKER_METRICS_PORT: '9464' }).workerMetricsAddress).toBe('0.0.0.0:9464');
  expect(() => parseConfig({ MLOPS_WORKER_METRICS_PORT: 'x' })).toThrow(/MLOPS_WORKER_METRICS_PORT/);
});

test('a worker caches 100 workflow runs unless told otherwise; 0 turns the cache off', () => {
  // Sized for parked gates (README "scale — parked approvals"): the SDK's own default grows with the heap limit
  // (~2,300 runs at ~1.8 MB each on a 4 GB heap), far past the 500 MB a worker with 10,000 parked runs may use.
  expect(parseConfig({}).worker.maxCachedWorkflows).toBe(100);
  expect(parseConfig({ MLOPS_WORKER_MAX_CACHED_WORKFLOWS: '2000' }).worker.maxCachedWorkflows).toBe(2000);
  expect(parseConfig({ MLOPS_WORKER_MAX_CACHED_WORKFLOWS: '0' }).worker.maxCachedWorkflows).toBe(0);
  expect(() => parseConfig({ MLOPS_WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/MLOPS_WORKER_MAX_CACHED_WORKFLOWS/);
});
