import { z } from 'zod';

/** The `deployment` section of a model spec: how an approved version reaches production traffic. */

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 90s, 15m, 2h, 7d');

export const strategies = ['direct', 'canary', 'shadow'] as const;
export type Strategy = (typeof strategies)[number];

/** Guards compare the candidate with the stable version over the same window of live traffic. */
export const guardsSchema = z
  .object({
    /** Requests each side needs in a window before the guards judge; below it the bake is extended. */
    minRequests: z.number().int().positive().default(50),
    /** How many extra bake periods to wait for `minRequests` before rolling back for lack of traffic. */
    maxExtensions: z.number().int().min(0).max(100).default(3),
    /** Candidate error rate (5xx + refused requests) may exceed the stable one by at most this (absolute). */
    maxErrorRateIncrease: z.number().min(0).max(1).default(0.01),
    /** Candidate p99 latency may exceed the stable one by at most this many milliseconds. */
    maxP99LatencyIncreaseMs: z.number().min(0).default(50),
    /** Largest total-variation distance allowed between the two predicted-label distributions (0..1). */
    maxPredictionShift: z.number().min(0).max(1).default(0.2),
  })
  .strict();

export const canarySchema = z
  .object({
    /** Percent of traffic the candidate serves at each step; increasing, ending at 100. */
    steps: z.array(z.number().int().min(1).max(100)).min(1).default([10, 50, 100]),
    /** Bake period after each step (a durable timer) before the guards judge it. */
    bake: duration.default('5m'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.steps.some((s, i) => i > 0 && s <= (c.steps[i - 1] as number))) ctx.addIssue({ code: 'custom', message: 'steps must increase', path: ['steps'] });
    if (c.steps[c.steps.length - 1] !== 100) ctx.addIssue({ code: 'custom', message: 'the last step must be 100', path: ['steps'] });
  });

export const shadowSchema = z
  .object({
    /** How long the candidate scores a copy of live traffic. */
    duration: duration.default('10m'),
    /** Share of rows on which the candidate must agree with the stable version to be promoted. */
    minAgreement: z.number().min(0).max(1).default(0.9),
    /** Below `minAgreement`: keep the stable version (`reject`) or ask a person (`ask`, signal promote/abort). */
    onLowAgreement: z.enum(['reject', 'ask']).default('ask'),
    /** How long a person has to decide; then the stable version is kept. */
    decisionTimeout: duration.default('1d'),
  })
  .strict();

export const deploymentSpecSchema = z
  .object({
    strategy: z.enum(strategies).default('direct'),
    canary: canarySchema.prefault({}),
    shadow: shadowSchema.prefault({}),
    guards: guardsSchema.prefault({}),
  })
  .strict();

export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;
export type DeploymentSpecInput = z.input<typeof deploymentSpecSchema>;
export type Guards = z.infer<typeof guardsSchema>;
export type CanaryPolicy = z.infer<typeof canarySchema>;
export type ShadowPolicy = z.infer<typeof shadowSchema>;
