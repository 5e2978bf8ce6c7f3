import { watchWorkflow, type WatchEnd } from '../../client';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { barRenderer, jsonRenderer, plainRenderer, type WatchRenderer } from '../watch-render';

/** Exit code of a watch: 0 when the run succeeded or waits for a person, 1 when it ended otherwise. */
export const watchExitCode = (end: WatchEnd): number =>
  end.reason === 'waiting-for-person' || end.execution === 'COMPLETED' ? 0 : 1;

/**
 * Follows a run in the chosen output: `--json` events, bars on a terminal, plain lines otherwise.
 * Shared by `mlops watch` and `mlops run --watch`.
 */
export async function followRun(ctx: CliContext, workflowId: string, json: boolean): Promise<number> {
  const line = (s: string) => ctx.out(s);
  const renderer: WatchRenderer = json
    ? jsonRenderer(line)
    : ctx.terminal
      ? barRenderer(ctx.terminal, workflowId)
      : plainRenderer(line, workflowId);
  try {
    return watchExitCode(await watchWorkflow(await ctx.client(), workflowId, { onEvent: (e) => renderer.event(e) }));
  } finally {
    renderer.close();
  }
}

export const watchCommand: Command = {
  name: 'watch',
  summary: 'follow a run live — stages and progress bars — until it ends or waits for a person',
  usage: 'mlops watch <workflowId> [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, {}, ['workflowId']);
    return followRun(ctx, positionals[0] as string, values['json'] === true);
  },
};
