/** @module client — starting, signalling and inspecting lifecycles and deployments; shared by the CLI, the demo and tests. */
export * from './connect';
export * from './lifecycle-client';
export * from './governance-client';
export * from './deployment-client';
