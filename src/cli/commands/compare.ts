import { VersionNotFoundError } from '../../domain';
import { compareVersions, type VersionComparison } from '../../domain';
import { UsageError, parseCommandArgs } from '../args';
import type { Command } from '../command';
import { fixed, table } from '../format';

const show = (v: unknown): string =>
  v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v);
const signed = (v: number | null, digits = 4) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`);

function render(c: VersionComparison): string[] {
  const va = `v${c.a.version}`;
  const vb = `v${c.b.version}`;
  const lines = [`${c.model}: ${va} (${c.a.status}, ${c.a.createdAt}) vs ${vb} (${c.b.status}, ${c.b.createdAt})`];
  lines.push('');
  const better = (m: VersionComparison['metrics'][number]) =>
    m.better === 'a' ? va : m.better === 'b' ? vb : m.better;
  const metricRows = c.metrics.map((m) => {
    const [ma, mb] = [fixed(m.a ?? undefined), fixed(m.b ?? undefined)];
    return [m.metric, ma, mb, signed(m.difference), better(m)];
  });
  lines.push(table(['metric', va, vb, `${vb} − ${va}`, 'better'], metricRows), '');
  const d = c.dataset;
  const code = c.codeVersion;
  const sameOr = (same: boolean) => (same ? 'same' : 'differs');
  lines.push(
    table(
      ['', va, vb, ''],
      [
        ['snapshot', d.snapshot.a.slice(0, 16), d.snapshot.b.slice(0, 16), sameOr(d.snapshot.same)],
        ['rows', d.rows.a, d.rows.b, signed(d.rows.difference, 0)],
        ['code version', show(code.a).slice(0, 16), show(code.b).slice(0, 16), sameOr(code.same)],
        ['artifact', c.artifact.a.slice(0, 16), c.artifact.b.slice(0, 16), sameOr(c.artifact.same)],
      ],
    ),
    '',
  );
  const changed = c.params.filter((p) => !p.same);
  const paramRows = changed.map((p) => [p.key, show(p.a), show(p.b)]);
  lines.push(changed.length ? table(['param', va, vb], paramRows) : 'params: identical', '');
  if (c.drift.report) {
    const r = c.drift.report;
    const counts = `${r.dataset.driftedCount}/${r.dataset.judgedCount}`;
    lines.push(`training-data drift of ${vb} against ${va}: ${counts} features drifted` +
      ` (share ${r.dataset.driftedShare.toFixed(2)}, dataset drift ${r.dataset.datasetDrift ? 'yes' : 'no'})`);
    type Feature = (typeof r.features)[number];
    const verdict = (f: Feature) => (f.judged ? (f.drifted ? 'yes' : 'no') : `not judged: ${f.reason}`);
    const row = (f: Feature) => [f.feature, f.method, fixed(f.score ?? undefined), fixed(f.threshold ?? undefined)];
    const rows = r.features.map((f) => [...row(f), verdict(f)]);
    lines.push(table(['feature', 'test', 'score', 'threshold', 'drift'], rows));
  } else lines.push(`training-data drift: ${c.drift.reason}`);
  return lines;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'two versions side by side: params, metrics and differences, data, code, drift between training data',
  usage: 'mlops compare <model> <versionA> <versionB> [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, {}, ['model', 'versionA', 'versionB']);
    const [model, ...raw] = positionals as [string, string, string];
    const [a, b] = raw.map((v) => {
      const n = Number(v.replace(/^v/, ''));
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`"${v}" is not a version number`);
      return n;
    }) as [number, number];
    const registry = await ctx.registry();
    let rows;
    try {
      rows = [await registry.getVersion(model, a), await registry.getVersion(model, b)] as const;
    } catch (err) {
      if (err instanceof VersionNotFoundError) throw new Error(err.message);
      throw err;
    }
    const profileOf = async (version: number) => (await registry.monitoring.getProfile(model, version))?.profiles ?? null;
    const profiles = { a: await profileOf(a), b: await profileOf(b) };
    const comparison = compareVersions(model, rows[0], rows[1], profiles);
    if (values['json']) ctx.json(comparison);
    else ctx.out(render(comparison).join('\n'));
    return 0;
  },
};
