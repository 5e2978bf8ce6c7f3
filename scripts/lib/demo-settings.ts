/**
 * What a demo run needs besides the application config: the command-line flags, the speed knob and the
 * demo's adjustments of the example specs (stated in the output, never silent).
 */
import type { Client } from '@temporalio/client';
import type { AppConfig, ModelSpec } from '../../src/domain';
import { DemoStoryError } from './demo-story';

export const DEMO_APPROVER = 'demo-approver (automated, npm run demo)';

export interface DemoSettings {
  /** `--interactive`: a person approves the release and the retrain (the delivery chapter stays automated). */
  readonly interactive: boolean;
  /** `MLOPS_DEMO_FAST=1`: short canary bakes, for tests; the story is the same. */
  readonly fast: boolean;
  /** `MLOPS_DEMO_DEBUG=1`: stack traces with every failure. */
  readonly debug: boolean;
}

/** Everything a chapter of the demo works with. */
export interface DemoContext {
  readonly client: Client;
  readonly config: AppConfig;
  readonly settings: DemoSettings;
  /** The repository root (examples/, node_modules/vega-datasets). */
  readonly root: string;
  readonly say: (text?: string) => void;
}

const FAST_BAKE = '2s';
/** Fast mode runs beside other test files on a shared machine, where p99 latency says more about the box. */
const FAST_LATENCY_GUARD_MS = 2000;
/** A 2 s bake sees a thin, unrepresentative slice of the demo's traffic: its label mix differs from stable's. */
const FAST_PREDICTION_SHIFT = 0.5;

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = (env[name] ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no'].includes(value)) return false;
  if (['1', 'true', 'yes'].includes(value)) return true;
  throw new DemoStoryError(`${name} must be 1 or 0, got "${env[name]}"`);
}

export function demoSettings(argv: readonly string[], env: NodeJS.ProcessEnv): DemoSettings {
  return {
    interactive: argv.includes('--interactive'),
    fast: flag(env, 'MLOPS_DEMO_FAST'),
    debug: flag(env, 'MLOPS_DEMO_DEBUG'),
  };
}

/** The example spec as the demo runs it: unchanged, except for shorter bakes and wider latency/shift guards in fast mode. */
export function demoSpec(spec: ModelSpec, settings: DemoSettings): ModelSpec {
  if (!settings.fast) return spec;
  const d = spec.deployment;
  const guards = { ...d.guards, maxP99LatencyIncreaseMs: FAST_LATENCY_GUARD_MS, maxPredictionShift: FAST_PREDICTION_SHIFT };
  return { ...spec, deployment: { ...d, canary: { ...d.canary, bake: FAST_BAKE }, guards } };
}

/** One line for the start of the output naming what fast mode changes. */
export function speedNote(settings: DemoSettings): string | null {
  if (!settings.fast) return null;
  const latency = `the guards allow +${FAST_LATENCY_GUARD_MS} ms p99 (tests share the machine) and a label shift of ${FAST_PREDICTION_SHIFT} (a 2s bake sees a thin slice of traffic)`;
  return `  fast mode (MLOPS_DEMO_FAST=1): canary bakes are shortened to ${FAST_BAKE} and ${latency}; the story is the same`;
}
