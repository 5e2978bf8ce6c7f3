#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import { createLogger, type AuditAppender } from '../../src/adapters';
import { parseConfig } from '../../src/domain';
import { createLifecycleWorker, openActivityDeps } from '../../src/workers';

/**
 * Test-only worker process (run from dist/ by test/workflows/audit-crash.test.ts): the real lifecycle worker,
 * except that its audit adapter SIGKILLs the process right after it has committed a batch holding an event of
 * kind `MLOPS_TEST_CRASH_AFTER_AUDIT` — after the local activity's side effect, before its completion reaches
 * the workflow task. The fault lives here, so production code carries no test hook.
 */
async function main(): Promise<void> {
  const crashAfter = process.env['MLOPS_TEST_CRASH_AFTER_AUDIT'];
  const config = parseConfig(process.env);
  const logger = createLogger(config, 'audit-crash-worker');
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const { deps } = await openActivityDeps(config, logger);
  const realAudit = deps.governance.audit;
  const audit: AuditAppender = {
    async append(workflowId, runId, events) {
      const result = await realAudit.append(workflowId, runId, events);
      if (events.some((e) => e.kind === crashAfter)) {
        // Synchronous write, so the line is out before the kill.
        writeSync(1, `audit-crash-worker: batch with ${crashAfter} committed (${result.inserted} inserted); SIGKILL\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      return result;
    },
  };
  const governance = { ...deps.governance, audit };
  const worker = await createLifecycleWorker({ config, connection, deps: { ...deps, governance } });
  logger.info({ taskQueue: config.temporal.taskQueue, crashAfter }, 'audit-crash worker started');
  await worker.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
