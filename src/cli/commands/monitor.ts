import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { describeMonitorSchedule, monitorScheduleHandle, startMonitorSchedule, triggerMonitorRun, ScheduleNotFoundError } from '../../client';
import { monitorScheduleId, scheduleUiLink, workflowUiLink, type MonitorResult } from '../../domain';
import { parseCommandArgs, requireDurationMs, requireString, UsageError } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { renderReport, renderReportRows, renderSchedule } from './monitor-format';

type Values = Record<string, string | boolean | undefined>;
type Sub = (model: string, values: Values, ctx: CliContext) => Promise<number>;

function isoTime(values: Values, name: string): Date {
  const text = requireString(values, name);
  const t = new Date(text);
  if (Number.isNaN(t.getTime())) throw new UsageError(`--${name} must be an ISO time such as 2026-11-22T00:00:00Z (got "${text}")`);
  return t;
}

/** Schedule calls on a model that is not monitored get one clear message. */
async function onSchedule(model: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new Error(`${model} is not monitored (no schedule ${monitorScheduleId(model)}); start with: mlops monitor start ${model} --every 1h`);
    throw err;
  }
}

function printResult(ctx: CliContext, r: MonitorResult, workflowId: string): void {
  ctx.out(`monitor run ${workflowId}: verdict ${r.verdict}, report ${r.reportId}\n  retrain: ${r.retrain.action} — ${r.retrain.detail}`);
  if (r.retrain.workflowId) ctx.out(`  retrain run: ${workflowUiLink(ctx.config, r.retrain.workflowId)}`);
  ctx.out(`  details: mlops monitor report ${r.reportId}`);
}

const subcommands: Record<string, Sub> = {
  async start(model, values, ctx) {
    const everyMs = requireDurationMs(values, 'every');
    if (everyMs < 1000) throw new UsageError('--every must be at least 1s');
    if (!(await (await ctx.registry()).findByAlias(model, 'production'))) throw new Error(`${model} has no version in production; deploy one first (mlops run <spec>)`);
    try {
      await startMonitorSchedule(await ctx.client(), ctx.config, { model, everyMs, paused: Boolean(values['paused']), ...(values['note'] ? { note: String(values['note']) } : {}) });
    } catch (err) {
      if (err instanceof ScheduleAlreadyRunning) throw new Error(`${model} is already monitored; see: mlops monitor status ${model}`);
      throw err;
    }
    const ui = scheduleUiLink(ctx.config, monitorScheduleId(model));
    if (values['json']) ctx.json({ scheduleId: monitorScheduleId(model), everyMs, ui });
    else ctx.out(`monitoring ${model} every ${String(values['every'])} (schedule ${monitorScheduleId(model)}, overlap SKIP)\n  web UI: ${ui}\n  run now: mlops monitor run ${model}`);
    return 0;
  },
  async stop(model, values, ctx) {
    await onSchedule(model, async () => monitorScheduleHandle(await ctx.client(), model).delete());
    if (values['json']) ctx.json({ scheduleId: monitorScheduleId(model), deleted: true });
    else ctx.out(`stopped monitoring ${model} (schedule deleted; reports stay in the registry)`);
    return 0;
  },
  async pause(model, values, ctx) {
    await onSchedule(model, async () => monitorScheduleHandle(await ctx.client(), model).pause(values['note'] ? String(values['note']) : 'paused with mlops monitor pause'));
    if (values['json']) ctx.json({ scheduleId: monitorScheduleId(model), paused: true });
    else ctx.out(`paused monitoring of ${model}; resume with: mlops monitor resume ${model}`);
    return 0;
  },
  async resume(model, values, ctx) {
    await onSchedule(model, async () => monitorScheduleHandle(await ctx.client(), model).unpause(values['note'] ? String(values['note']) : 'resumed with mlops monitor resume'));
    if (values['json']) ctx.json({ scheduleId: monitorScheduleId(model), paused: false });
    else ctx.out(`resumed monitoring of ${model}`);
    return 0;
  },
  async status(model, values, ctx) {
    const schedule = await describeMonitorSchedule(await ctx.client(), model);
    const limit = values['reports'] ? Number(values['reports']) : 10;
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--reports must be a whole number');
    const reports = await (await ctx.registry()).monitoring.listReports(model, limit);
    if (values['json']) {
      ctx.json({ schedule, reports, ui: schedule ? scheduleUiLink(ctx.config, schedule.scheduleId) : null });
      return 0;
    }
    ctx.out(schedule ? [...renderSchedule(schedule), `web UI:       ${scheduleUiLink(ctx.config, schedule.scheduleId)}`].join('\n') : `${model} is not monitored (no schedule ${monitorScheduleId(model)})`);
    ctx.out(reports.length ? `\n${renderReportRows(reports)}` : '\nno reports yet');
    return 0;
  },
  async run(model, values, ctx) {
    const client = await ctx.client();
    let handle: Awaited<ReturnType<typeof triggerMonitorRun>> | undefined;
    await onSchedule(model, async () => {
      handle = await triggerMonitorRun(client, model);
    });
    if (!handle) return 1;
    const ui = workflowUiLink(ctx.config, handle.workflowId);
    if (!values['wait']) {
      if (values['json']) ctx.json({ workflowId: handle.workflowId, ui });
      else ctx.out(`started monitor run ${handle.workflowId}\n  web UI: ${ui}`);
      return 0;
    }
    const result = await handle.result();
    if (values['json']) ctx.json({ workflowId: handle.workflowId, ui, result });
    else printResult(ctx, result, handle.workflowId);
    return 0;
  },
  async backfill(model, values, ctx) {
    const from = isoTime(values, 'from');
    const to = isoTime(values, 'to');
    if (from >= to) throw new UsageError('--from must be before --to');
    // Backfilled runs queue behind each other (BUFFER_ALL) so each window starts where the previous ended.
    await onSchedule(model, async () => monitorScheduleHandle(await ctx.client(), model).backfill({ start: from, end: to, overlap: ScheduleOverlapPolicy.BUFFER_ALL }));
    if (values['json']) ctx.json({ scheduleId: monitorScheduleId(model), from: from.toISOString(), to: to.toISOString() });
    else ctx.out(`backfill of ${model} requested for ${from.toISOString()} – ${to.toISOString()}: one run per interval, reports only (no retrains)\n  progress: mlops monitor status ${model}`);
    return 0;
  },
  async report(reportId, values, ctx) {
    const found = await (await ctx.registry()).monitoring.getReport(reportId);
    if (!found) throw new Error(`no monitor report ${reportId}; list them with: mlops monitor status <model>`);
    if (values['json']) ctx.json({ ...found.report, retrain: found.row.retrain, workflowId: found.row.workflowId });
    else ctx.out(renderReport(found.report, found.row.retrain).join('\n'));
    return 0;
  },
};

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'scheduled drift and performance monitoring of a deployed model (start, stop, pause, resume, status, run, backfill, report)',
  usage: [
    'mlops monitor start <model> --every <duration> [--paused] [--note <text>]',
    '       mlops monitor stop|pause|resume <model> [--note <text>]',
    '       mlops monitor status <model> [--reports <n>]',
    '       mlops monitor run <model> [--wait]',
    '       mlops monitor backfill <model> --from <iso> --to <iso>',
    '       mlops monitor report <reportId>          (all take --json)',
  ].join('\n'),
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { every: { type: 'string' }, paused: { type: 'boolean' }, note: { type: 'string' }, reports: { type: 'string' }, wait: { type: 'boolean' }, from: { type: 'string' }, to: { type: 'string' } },
      ['subcommand', 'model'],
    );
    const [name, target] = positionals as [string, string];
    const sub = subcommands[name];
    if (!sub) throw new UsageError(`unknown subcommand "${name}" (use ${Object.keys(subcommands).join(', ')})`);
    return sub(target, values, ctx);
  },
};
