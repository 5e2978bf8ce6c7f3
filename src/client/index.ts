/** @module client — starting, signalling and inspecting lifecycles, deployments and monitor schedules; shared by the CLI, the demo and tests. */
export * from './connect';
export * from './lifecycle-client';
export * from './governance-client';
export * from './deployment-client';
export * from './monitor-client';
export * from './watch';
export * from './temporal-profile';
