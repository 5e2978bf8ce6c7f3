import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

/** Runs a compiled entry point (dist/) as a real child process, collecting its output. */
export function spawnCompiled(entry: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const script = join(repoRoot, 'dist', entry);
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm test\` (it compiles first) or \`npm run build\``);
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, MLOPS_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
