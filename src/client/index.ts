/** @module client — starting, signalling and inspecting lifecycles; shared by the CLI, the demo and tests. */
export * from './connect';
export * from './lifecycle-client';
export * from './governance-client';
