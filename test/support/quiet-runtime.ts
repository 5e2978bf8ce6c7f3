import { DefaultLogger, Runtime } from '@temporalio/worker';

// One Runtime per process: the SDK logs only errors in tests unless MLOPS_TEST_LOG asks for more.
try {
  Runtime.install({ logger: new DefaultLogger(process.env['MLOPS_TEST_LOG'] ? 'INFO' : 'ERROR') });
} catch {
  // already installed by an earlier test file in this jest worker
}
