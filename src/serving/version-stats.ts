import type { PredictionRole, VersionWindowStats, WindowStats } from '../domain';

/**
 * Recent measurements per model version and role, in fixed-size rings (typed arrays, no per-request
 * allocation), so the guards can ask "what happened since T" for any window the rings still cover.
 */
const REQUEST_CAPACITY = 20_000;
const ROW_CAPACITY = 50_000;
const MAX_SERIES_PER_MODEL = 12;
/** Regression models: at most this many of a window's most recent predicted values go to the guards. */
const VALUE_SAMPLE = 1_000;

export type RequestOutcome = 'ok' | 'error' | 'rejected';
const outcomeCode: Record<RequestOutcome, number> = { ok: 0, error: 1, rejected: 2 };

class Series {
  private readonly reqTime = new Float64Array(REQUEST_CAPACITY);
  private readonly reqLatency = new Float32Array(REQUEST_CAPACITY);
  private readonly reqOutcome = new Uint8Array(REQUEST_CAPACITY);
  private reqCount = 0;
  private readonly rowTime = new Float64Array(ROW_CAPACITY);
  private readonly rowLabel = new Int16Array(ROW_CAPACITY);
  /** -1: not compared, 0: disagreed with the primary answer, 1: agreed. */
  private readonly rowAgreement = new Int8Array(ROW_CAPACITY);
  private rowCount = 0;
  /** Predicted values of a regression model's rows (allocated on its first value; classifiers never need it). */
  private rowValue: Float64Array | null = null;
  lastWrite = 0;

  constructor(
    readonly version: number,
    readonly role: PredictionRole,
    readonly classes: readonly string[],
  ) {}

  addRequest(at: number, latencyMs: number, outcome: RequestOutcome): void {
    const i = this.reqCount++ % REQUEST_CAPACITY;
    this.reqTime[i] = at;
    this.reqLatency[i] = latencyMs;
    this.reqOutcome[i] = outcomeCode[outcome];
    this.lastWrite = at;
  }

  addRow(at: number, labelIndex: number, agreed: boolean | null): void {
    const i = this.rowCount++ % ROW_CAPACITY;
    this.rowTime[i] = at;
    this.rowLabel[i] = labelIndex;
    this.rowAgreement[i] = agreed === null ? -1 : agreed ? 1 : 0;
    this.lastWrite = at;
  }

  /** A regression model's row: its predicted value instead of a label. */
  addValueRow(at: number, value: number): void {
    this.rowValue ??= new Float64Array(ROW_CAPACITY);
    const i = this.rowCount % ROW_CAPACITY;
    this.addRow(at, -1, null);
    this.rowValue[i] = value;
  }

  window(since: number): VersionWindowStats {
    let requests = 0;
    let errors = 0;
    let rejected = 0;
    const latencies: number[] = [];
    for (let n = 0, i = (this.reqCount - 1 + REQUEST_CAPACITY) % REQUEST_CAPACITY; n < Math.min(this.reqCount, REQUEST_CAPACITY); n++, i = (i - 1 + REQUEST_CAPACITY) % REQUEST_CAPACITY) {
      if ((this.reqTime[i] as number) < since) continue;
      requests++;
      const o = this.reqOutcome[i];
      if (o === outcomeCode.error) errors++;
      else if (o === outcomeCode.rejected) rejected++;
      latencies.push(this.reqLatency[i] as number);
    }
    const counts = new Array<number>(this.classes.length).fill(0);
    const values: number[] = [];
    let rows = 0;
    let compared = 0;
    let agreed = 0;
    for (let n = 0, i = (this.rowCount - 1 + ROW_CAPACITY) % ROW_CAPACITY; n < Math.min(this.rowCount, ROW_CAPACITY); n++, i = (i - 1 + ROW_CAPACITY) % ROW_CAPACITY) {
      if ((this.rowTime[i] as number) < since) continue;
      rows++;
      const label = this.rowLabel[i] as number;
      if (label >= 0) counts[label] = (counts[label] ?? 0) + 1;
      if (this.rowValue && values.length < VALUE_SAMPLE) values.push(this.rowValue[i] as number);
      const a = this.rowAgreement[i] as number;
      if (a >= 0) {
        compared++;
        agreed += a;
      }
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] as number;
    const labels: Record<string, number> = {};
    this.classes.forEach((c, k) => {
      if (counts[k]) labels[c] = counts[k] as number;
    });
    return {
      version: this.version,
      role: this.role,
      requests,
      errors,
      rejected,
      latencyMs: latencies.length ? { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: latencies[latencies.length - 1] as number } : null,
      rows,
      labels,
      ...(this.role === 'shadow' ? { agreement: { compared, agreed } } : {}),
      ...(this.rowValue ? { values } : {}),
    };
  }
}

/** A series' key among its model's: a number, so the per-request lookup builds no string. */
const roleIndex: Record<PredictionRole, number> = { primary: 0, canary: 1, shadow: 2 };
const seriesKey = (version: number, role: PredictionRole) => version * 4 + roleIndex[role];

export class VersionStats {
  private readonly models = new Map<string, Map<number, Series>>();

  constructor(private readonly now: () => number = Date.now) {}

  private series(model: string, version: number, role: PredictionRole, classes: readonly string[]): Series {
    let perModel = this.models.get(model);
    if (!perModel) this.models.set(model, (perModel = new Map()));
    const key = seriesKey(version, role);
    let s = perModel.get(key);
    if (!s) {
      if (perModel.size >= MAX_SERIES_PER_MODEL) {
        const stalest = [...perModel.entries()].sort((a, b) => a[1].lastWrite - b[1].lastWrite)[0];
        if (stalest) perModel.delete(stalest[0]);
      }
      perModel.set(key, (s = new Series(version, role, classes)));
    }
    return s;
  }

  request(model: string, version: number, role: PredictionRole, classes: readonly string[], latencyMs: number, outcome: RequestOutcome): void {
    this.series(model, version, role, classes).addRequest(this.now(), latencyMs, outcome);
  }

  /**
   * A request's rows: each label as an index in the version's classes, and (shadow rows) whether it agreed with
   * the answer the caller got.
   */
  rows(model: string, version: number, role: PredictionRole, classes: readonly string[], labels: Uint16Array, agreed?: readonly boolean[]): void {
    const series = this.series(model, version, role, classes);
    const at = this.now();
    for (let i = 0; i < labels.length; i++) series.addRow(at, labels[i] as number, agreed ? (agreed[i] as boolean) : null);
  }

  /** A regression model's predicted values for a request's rows. */
  values(model: string, version: number, role: PredictionRole, values: Float64Array): void {
    const series = this.series(model, version, role, []);
    const at = this.now();
    for (let i = 0; i < values.length; i++) series.addValueRow(at, values[i] as number);
  }

  window(model: string, since: number): WindowStats {
    const versions = [...(this.models.get(model)?.values() ?? [])].map((s) => s.window(since));
    return { model, since: new Date(since).toISOString(), until: new Date(this.now()).toISOString(), versions };
  }
}
