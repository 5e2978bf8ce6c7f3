import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

/** Runs a compiled entry point (dist/) as a real child process, collecting its output. */
export function spawnCompiled(entry: string, args: string[], env: Record<string, string>): SpawnedProcess {
  const script = join(repoRoot, 'dist', entry);
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm test\` (it compiles first) or \`npm run build\``);
  return spawnCommand(process.execPath, [script, ...args], env);
}

export interface SpawnedProcess {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** Any command (a launcher script, say) with the test env and its output collected. */
export function spawnCommand(command: string, args: string[], env: Record<string, string>): SpawnedProcess {
  const child = spawn(command, args, { env: { ...process.env, MLOPS_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function runCompiled(entry: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const p = spawnCompiled(entry, args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}

/** Resolves when the process has printed `text` (e.g. "worker started"); rejects with its output if it exits first. */
export function waitForOutput(p: SpawnedProcess, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (p.output().includes(text)) {
        done();
        resolve();
      } else if (p.child.exitCode !== null) {
        done();
        reject(new Error(`exited ${p.child.exitCode} before "${text}":\n${p.output()}`));
      }
    };
    const done = () => {
      p.child.stdout?.off('data', check);
      p.child.stderr?.off('data', check);
      p.child.off('exit', check);
    };
    p.child.stdout?.on('data', check);
    p.child.stderr?.on('data', check);
    p.child.on('exit', check);
    check();
  });
}
