import { MetricsRegistry } from './metrics';
import type { ModelRoute } from './model-router';

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The model server's Prometheus metrics (`GET /metrics`). */
export class ServingMetrics {
  readonly registry = new MetricsRegistry();
  readonly requests = this.registry.counter('mlops_predict_requests_total', 'Predict requests by model version, role and HTTP status.', ['model', 'version', 'role', 'code']);
  readonly duration = this.registry.histogram('mlops_predict_duration_seconds', 'Predict request latency (or shadow scoring time) by model version and role.', ['model', 'version', 'role'], latencyBuckets);
  readonly errors = this.registry.counter('mlops_predict_errors_total', 'Predict errors by model version and kind (rejected = input refused, internal = 5xx).', ['model', 'version', 'role', 'kind']);
  readonly rows = this.registry.counter('mlops_predict_rows_total', 'Rows scored by model version and role.', ['model', 'version', 'role']);
  readonly labels = this.registry.counter('mlops_prediction_labels_total', 'Predicted labels by model version and role.', ['model', 'version', 'role', 'label']);
  readonly shadowAgreement = this.registry.counter('mlops_shadow_agreement_total', 'Shadow rows compared with the primary answer, by whether the labels agreed.', ['model', 'version', 'agreed']);
  readonly http = this.registry.counter('mlops_http_requests_total', 'All HTTP requests by route and status.', ['method', 'route', 'code']);
  readonly swaps = this.registry.counter('mlops_model_route_changes_total', 'Routing changes (swaps, canary steps, rollbacks) per model.', ['model']);
  private readonly served = this.registry.gauge('mlops_model_served', 'Model versions currently routed (1) by role.', ['model', 'version', 'role']);
  private readonly canaryPercent = this.registry.gauge('mlops_canary_traffic_percent', 'Share of traffic the candidate answers (canary) per model.', ['model']);

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
