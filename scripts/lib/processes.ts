import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../../src/client/poll';

/** A child process of the demo (worker, model server) with its output in a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  /** Resolves once the process has printed `text`; rejects, with its last output, if it exits or `timeoutMs` passes. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** What a process printed last, for a failure message (its whole log stays in the log file). */
const TAIL_CHARS = 2000;

/** Runs `script` with node (or with `executable`, e.g. a Python interpreter), output appended to `<logDir>/<name>.log`. */
export function startProcess(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string, args: string[] = [], executable = process.execPath): ManagedProcess {
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${name}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(executable, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-64 * 1024);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const waitForOutput = (text: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const fail = (why: string) => () => {
        done();
        reject(new Error(`${name} ${why}; its last output (${logPath}):\n${output.slice(-TAIL_CHARS)}`));
      };
      const onExit = fail('exited before it was ready');
      const timer = setTimeout(fail(`printed no "${text}" within ${timeoutMs} ms`), timeoutMs);
      const check = () => {
        if (!output.includes(text)) return;
        done();
        resolve();
      };
      const done = () => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
      };
      child.once('exit', onExit);
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      check();
      if (!output.includes(text) && (child.exitCode !== null || child.signalCode !== null)) onExit();
    });
  return {
    name,
    child,
    logPath,
    waitForOutput,
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
