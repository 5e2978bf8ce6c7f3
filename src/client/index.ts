/** @module client — starting, signalling and inspecting lifecycles, and the monitor schedules; shared by the CLI, the demo and tests. */
export * from './connect';
export * from './lifecycle-client';
export * from './monitor-client';
