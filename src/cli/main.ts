#!/usr/bin/env node
import { ConfigError } from '../domain';
import { loadAppConfig } from '../client';
import { UsageError } from './args';
import type { Command } from './command';
import { createCliContext } from './context';
import { runCommand } from './commands/run';
import { approveCommand, rejectCommand } from './commands/decide';
import { statusCommand } from './commands/status';
import { modelsCommand } from './commands/models';
import { pendingCommand } from './commands/pending';
import { auditCommand } from './commands/audit';
import { keysCommand } from './commands/keys';
import { rollbackCommand } from './commands/rollback';
import { deploymentsCommand } from './commands/deployments';
import { rolloutCommand } from './commands/rollout';
import { monitorCommand } from './commands/monitor';
import { labelsCommand } from './commands/labels';
import { watchCommand } from './commands/watch';
import { timelineCommand } from './commands/timeline';
import { compareCommand } from './commands/compare';
import { tagCommand } from './commands/tag';
import { aliasCommand } from './commands/alias';
import { codecServerCommand } from './commands/codec-server';

/** `mlops`: the command-line client. Exit codes: 0 ok, 1 failed, 2 usage error, 3 configuration error. */
export const commands: Command[] = [
  runCommand,
  watchCommand,
  approveCommand,
  rejectCommand,
  statusCommand,
  modelsCommand,
  pendingCommand,
  auditCommand,
  keysCommand,
  rollbackCommand,
  deploymentsCommand,
  rolloutCommand,
  monitorCommand,
  labelsCommand,
  timelineCommand,
  compareCommand,
  tagCommand,
  aliasCommand,
  codecServerCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'mlops — the model lifecycle on Temporal',
    '',
    'usage: mlops <command> [options]     (mlops <command> --help for details)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, MLOPS_TASK_QUEUE, MLOPS_DATA_DIR, …); see README.',
  ].join('\n');
}

export async function runCli(argv: string[], write?: (s: string) => void, writeErr: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (write ?? ((s: string) => process.stdout.write(s)))(`${help()}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    writeErr(`unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    (write ?? ((s: string) => process.stdout.write(s)))(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (err) {
    writeErr(`${(err as Error).message}\n`);
    return err instanceof ConfigError ? 3 : 1;
  }
  const ctx = createCliContext(config, write);
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    if (err instanceof UsageError) {
      writeErr(`mlops ${command.name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    writeErr(`mlops ${command.name}: ${(err as Error).message}\n`);
    return err instanceof ConfigError ? 3 : 1;
  } finally {
    await ctx.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
