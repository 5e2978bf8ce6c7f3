/**
 * @module domain/monitoring — pure monitoring logic: the spec's `monitoring` section, reference profile
 * sets, report windows, judging a window (drift via domain/drift, realized performance), the report and
 * its summary, and the retrain decision. No I/O: the activities read the log, workflows may import this.
 */
export * from './monitoring-spec';
export * from './reference';
export * from './report';
export * from './window';
export * from './performance';
export * from './judge';
export * from './retrain-decision';
export * from './monitor-contract';
export * from './evidence';
