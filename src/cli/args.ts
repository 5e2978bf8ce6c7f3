import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDurationMs } from '../domain';

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O, positionals: string[]) {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // A last positional named `…...` takes any number of values (zero or more).
  const variadic = positionals.at(-1)?.endsWith('...') ?? false;
  const required = variadic ? positionals.length - 1 : positionals.length;
  const countOk = variadic ? parsed.positionals.length >= required : parsed.positionals.length === required;
  if (!parsed.values.help && !countOk) {
    throw new UsageError(`expected ${positionals.length ? positionals.map((p) => `<${p}>`).join(' ') : 'no arguments'}, got ${parsed.positionals.length ? parsed.positionals.join(' ') : 'none'}`);
  }
  return parsed;
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v.trim()) throw new UsageError(`--${name} is required`);
  return v;
}

/** A duration option (`90s`, `15m`, `2h`, `7d`); a malformed one is a usage mistake (exit 2). */
export function requireDurationMs(values: Record<string, unknown>, name: string): number {
  const text = requireString(values, name);
  try {
    return parseDurationMs(text);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

/** A version argument: `3` or `v3`. */
export function parseVersionArg(text: string): number {
  const n = Number(text.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`"${text}" is not a version number`);
  return n;
}
