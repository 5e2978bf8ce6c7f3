/**
 * @module domain/rollout — progressive delivery, pure: the spec's `deployment` section (strategies, guards),
 * the deployment workflow's contract, deterministic canary routing, and the guard and shadow-agreement
 * comparisons of a candidate against the stable version.
 */
export * from './strategy';
export * from './stats';
export * from './guards';
export * from './routing';
export * from './history';
export * from './deployment';
