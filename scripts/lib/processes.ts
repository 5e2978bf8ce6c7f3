import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../src/client/poll';

/** A child process of the demo (worker, model server) with its output in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  stop(): Promise<void>;
}

/** Runs `script` with node (or with `executable`, e.g. a Python interpreter), output appended to `<logDir>/<name>.log`. */
export function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string, args: string[] = [], executable = process.execPath): ManagedProcess {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(executable, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    logPath,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const answered = () =>
    fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.ok,
      () => false, // not up yet
    );
  await pollUntil(answered, (ok) => ok, { timeoutMs, intervalMs: 200, timeoutMessage: () => `${url} did not answer within ${timeoutMs} ms` });
}
