/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with labels.
 * Kept in-house because the server needs only these three and a render; each observation is a Map lookup.
 */
type Labels = readonly string[];

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const formatNumber = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected key(values: Labels): string {
    return values.join('\u0001');
  }

  protected labelText(values: Labels, extra?: [string, string]): string {
    const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
    if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
    return pairs.length ? `{${pairs.join(',')}}` : '';
  }

  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  abstract samples(): string[];

  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()].join('\n');
  }
}

export class Counter extends Metric {
  readonly type = 'counter';
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  inc(labels: Labels, by = 1): void {
    this.entry(labels).value += by;
  }

  /** A series bound to its label values: incrementing it skips the label lookup (hot paths). */
  bind(labels: Labels): { inc(by?: number): void } {
    const entry = this.entry(labels);
    return {
      inc: (by = 1) => {
        entry.value += by;
      },
    };
  }

  private entry(labels: Labels): { labels: Labels; value: number } {
    const k = this.key(labels);
    let entry = this.values.get(k);
    if (!entry) this.values.set(k, (entry = { labels: [...labels], value: 0 }));
    return entry;
  }

  samples(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${this.labelText(e.labels)} ${formatNumber(e.value)}`);
  }
}

/** A gauge whose whole set of series is replaced at once (e.g. "which versions are served now"). */
export class Gauge extends Metric {
  readonly type = 'gauge';
  private series: { labels: Labels; value: number }[] = [];

  replaceAll(series: { labels: Labels; value: number }[]): void {
    this.series = series;
  }

  samples(): string[] {
    return this.series.map((e) => `${this.name}${this.labelText(e.labels)} ${formatNumber(e.value)}`);
  }
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly values = new Map<string, { labels: Labels; counts: Float64Array; sum: number; count: number }>();

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, labelNames);
  }

  observe(labels: Labels, value: number): void {
    this.bind(labels).observe(value);
  }

  /** A series bound to its label values (hot paths). */
  bind(labels: Labels): { observe(value: number): void } {
    const k = this.key(labels);
    let entry = this.values.get(k);
    if (!entry) this.values.set(k, (entry = { labels: [...labels], counts: new Float64Array(this.buckets.length), sum: 0, count: 0 }));
    const e = entry;
    return {
      observe: (value: number) => {
        for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] as number)) e.counts[i] = (e.counts[i] as number) + 1;
        e.sum += value;
        e.count += 1;
      },
    };
  }

  samples(): string[] {
    const lines: string[] = [];
    for (const e of this.values.values()) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${this.labelText(e.labels, ['le', formatNumber(b)])} ${e.counts[i]}`));
      lines.push(`${this.name}_bucket${this.labelText(e.labels, ['le', '+Inf'])} ${e.count}`);
      lines.push(`${this.name}_sum${this.labelText(e.labels)} ${formatNumber(e.sum)}`);
      lines.push(`${this.name}_count${this.labelText(e.labels)} ${e.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';

  counter(name: string, help: string, labelNames: readonly string[]): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[]): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  private add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }

  render(): string {
    return `${this.metrics.map((m) => m.render()).join('\n')}\n`;
  }
}
