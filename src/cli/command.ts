import type { CliContext } from './context';

/** One CLI command: its name, one-line summary, usage text, and what it does. Returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}
