import type { PredictionRole } from '../domain';
import { MetricsRegistry } from './metrics';
import type { ModelRoute } from './model-router';

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The metrics of one model version in one role, bound once so the request path does no label lookups. */
export interface VersionMeters {
  request(status: number, seconds: number, errorKind: 'rejected' | 'internal' | null): void;
  rows(n: number): void;
  /** One predicted row, by the label's index in the version's classes. */
  label(index: number): void;
  agreement(agreed: boolean): void;
}

/** The model server's Prometheus metrics (`GET /metrics`). */
export class ServingMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests = this.registry.counter('mlops_predict_requests_total', 'Predict requests by model version, role and HTTP status.', ['model', 'version', 'role', 'code']);
  readonly duration = this.registry.histogram('mlops_predict_duration_seconds', 'Predict request latency (or shadow scoring time) by model version and role.', ['model', 'version', 'role'], latencyBuckets);
  readonly errors = this.registry.counter('mlops_predict_errors_total', 'Predict errors by model version and kind (rejected = input refused, internal = 5xx).', ['model', 'version', 'role', 'kind']);
  readonly rows = this.registry.counter('mlops_predict_rows_total', 'Rows scored by model version and role.', ['model', 'version', 'role']);
  readonly labels = this.registry.counter('mlops_prediction_labels_total', 'Predicted labels by model version and role.', ['model', 'version', 'role', 'label']);
  /**
   * Answers clients got, per model and label whatever version gave them (primary and canary; shadow rows are
   * scored, not answered): the series survive version swaps, so a dashboard's class mix spans releases.
   */
  readonly modelLabels = this.registry.counter('mlops_model_predictions_total',
    'Predictions answered to clients by model and label (all versions; shadow excluded).', ['model', 'label']);
  readonly shadowAgreement = this.registry.counter('mlops_shadow_agreement_total', 'Shadow rows compared with the primary answer, by whether the labels agreed.', ['model', 'version', 'agreed']);
  readonly http = this.registry.counter('mlops_http_requests_total', 'All HTTP requests by route and status.', ['method', 'route', 'code']);
  readonly swaps = this.registry.counter('mlops_model_route_changes_total', 'Routing changes (swaps, canary steps, rollbacks) per model.', ['model']);
  private readonly served = this.registry.gauge('mlops_model_served', 'Model versions currently routed (1) by role.', ['model', 'version', 'role']);
  private readonly canaryPercent = this.registry.gauge('mlops_canary_traffic_percent', 'Share of traffic the candidate answers (canary) per model.', ['model']);

  meters(model: string, version: number, role: PredictionRole, classes: readonly string[]): VersionMeters {
    const labels = [model, String(version), role];
    const duration = this.duration.bind(labels);
    const rows = this.rows.bind(labels);
    const byCode = new Map<number, { inc(by?: number): void }>();
    const byLabel: ({ inc(by?: number): void } | undefined)[] = [];
    const byError = { rejected: this.errors.bind([...labels, 'rejected']), internal: this.errors.bind([...labels, 'internal']) };
    const agreement = { true: this.shadowAgreement.bind([model, String(version), 'true']), false: this.shadowAgreement.bind([model, String(version), 'false']) };
    const cached = <K>(map: Map<K, { inc(by?: number): void }>, key: K, make: () => { inc(by?: number): void }) => {
      let c = map.get(key);
      if (!c) map.set(key, (c = make()));
      return c;
    };
    return {
      request: (status, seconds, errorKind) => {
        cached(byCode, status, () => this.requests.bind([...labels, String(status)])).inc();
        duration.observe(seconds);
        if (errorKind) byError[errorKind].inc();
      },
      rows: (n) => rows.inc(n),
      label: (i) => (byLabel[i] ??= this.labelMeter(model, labels, role, classes[i] as string)).inc(),
      agreement: (agreed) => (agreed ? agreement.true : agreement.false).inc(),
    };
  }

  /** One increment per predicted row: the version's series, and the model's unless the row is a shadow's. */
  private labelMeter(model: string, labels: readonly string[], role: PredictionRole, label: string) {
    const version = this.labels.bind([...labels, label]);
    if (role === 'shadow') return version;
    const perModel = this.modelLabels.bind([model, label]);
    return {
      inc: () => {
        version.inc();
        perModel.inc();
      },
    };
  }

  /** Refreshes the routing gauges from the current routes. */
  setRoutes(routes: readonly ModelRoute[]): void {
    this.served.replaceAll(
      routes.flatMap((r) => [
        { labels: [r.name, String(r.stable.version), 'primary'], value: 1 },
        ...(r.candidate && r.mode ? [{ labels: [r.name, String(r.candidate.version), r.mode === 'canary' ? 'canary' : 'shadow'], value: 1 }] : []),
      ]),
    );
    this.canaryPercent.replaceAll(routes.map((r) => ({ labels: [r.name], value: r.mode === 'canary' ? r.percent : 0 })));
  }

  render(): string {
    return this.registry.render();
  }
}
