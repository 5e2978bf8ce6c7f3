import { MetricsRegistry } from '../../src/serving/metrics';

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
