import { MetricsRegistry } from '../../src/serving/metrics';
import { ServingMetrics } from '../../src/serving/serving-metrics';

test('renders counters, gauges and histograms in the Prometheus text format', () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter('x_total', 'Things.', ['model']);
  const gauge = registry.gauge('y', 'Level.', ['model']);
  const histogram = registry.histogram('z_seconds', 'Time.', ['model'], [0.1, 1]);
  counter.inc(['a"b']);
  counter.inc(['a"b'], 2);
  gauge.replaceAll([{ labels: ['m'], value: 5 }]);
  histogram.observe(['m'], 0.05);
  histogram.observe(['m'], 0.5);
  histogram.observe(['m'], 5);
  expect(registry.render()).toBe(
    [
      '# HELP x_total Things.',
      '# TYPE x_total counter',
      'x_total{model="a\\"b"} 3',
      '# HELP y Level.',
      '# TYPE y gauge',
      'y{model="m"} 5',
      '# HELP z_seconds Time.',
      '# TYPE z_seconds histogram',
      'z_seconds_bucket{model="m",le="0.1"} 1',
      'z_seconds_bucket{model="m",le="1"} 2',
      'z_seconds_bucket{model="m",le="+Inf"} 3',
      'z_seconds_sum{model="m"} 5.55',
      'z_seconds_count{model="m"} 3',
      '',
    ].join('\n'),
  );
});

test('per-model prediction counts by label span versions and leave shadow rows out', () => {
  const metrics = new ServingMetrics();
  const classes = ['stay', 'leave'];
  const v1 = metrics.meters('churn', 1, 'primary', classes);
  const v2 = metrics.meters('churn', 2, 'canary', ['leave', 'stay']); // another version may order its classes apart
  const shadow = metrics.meters('churn', 3, 'shadow', classes);
  [0, 0, 1].forEach((l) => v1.label(l));
  [1, 0, 0].forEach((l) => v2.label(l));
  [0, 0, 0].forEach((l) => shadow.label(l));
  metrics.meters('other', 1, 'primary', classes).label(0);
  const lines = metrics.render().split('\n').filter((l) => l.startsWith('mlops_model_predictions_total{'));
  expect(lines).toEqual([
    'mlops_model_predictions_total{model="churn",label="stay"} 3',
    'mlops_model_predictions_total{model="churn",label="leave"} 3',
    'mlops_model_predictions_total{model="other",label="stay"} 1',
  ]);
  // The per-version series still count every role, shadow included.
  expect(metrics.render()).toContain('mlops_prediction_labels_total{model="churn",version="3",role="shadow",label="stay"} 3');
});
