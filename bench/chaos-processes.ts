import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/**
 * A process the chaos soak keeps alive: started, SIGKILLed on purpose, restarted; one that dies by itself
 * (a worker that could not reach a killed Temporal server) is restarted after a short pause and counted.
 */
export class SupervisedProcess {
  private child: ChildProcess | null = null;
  private readonly log: WriteStream;
  private killing = false;
  private stopped = false;
  /** Exits nobody asked for (then restarted). */
  unexpectedExits = 0;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
    private readonly restartDelayMs = 1000,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  start(): void {
    const child = spawn(this.command, this.args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      this.log.write(`\n[chaos] ${this.name} exited (code ${code}, signal ${signal})\n`);
      if (this.child !== child || this.killing || this.stopped) return;
      this.unexpectedExits += 1;
      setTimeout(() => {
        if (!this.stopped && this.child === child) this.start();
      }, this.restartDelayMs);
    });
    this.child = child;
  }

  /** SIGKILL, wait for the exit, then start again after `downMs`. */
  async killAndRestart(downMs: number): Promise<void> {
    const child = this.child;
    this.killing = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.killing = false;
    if (!this.stopped) this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    this.log.end();
  }
}
