/**
 * Limited-memory BFGS with a backtracking (Armijo) line search: deterministic, and its whole state is plain
 * arrays, so a training activity can checkpoint it and a retry resumes bit-for-bit.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsState {
  iteration: number;
  x: Float64Array;
  loss: number;
  gradient: Float64Array;
  /** Correction pairs, oldest first: s = Δx, y = Δgradient. */
  s: Float64Array[];
  y: Float64Array[];
  /** Why it stopped, once it has: 'gradient' (max |g| ≤ tolerance), 'loss' (no relative progress), 'line-search'. */
  converged: 'gradient' | 'loss' | 'line-search' | null;
  evaluations: number;
}

export interface LbfgsOptions {
  readonly maxIterations: number;
  /** Stop when the largest gradient component is at most this. */
  readonly tolerance: number;
  /** Stop when the loss improves by less than this, relatively. */
  readonly lossTolerance?: number;
  readonly memory?: number;
}

const maxAbs = (v: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m;
};

const dot = (a: Float64Array, b: Float64Array): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] as number) * (b[i] as number);
  return d;
};

export function lbfgsStart(f: Objective, x0: Float64Array): LbfgsState {
  const gradient = new Float64Array(x0.length);
  const x = Float64Array.from(x0);
  const loss = f(x, gradient);
  return { iteration: 0, x, loss, gradient, s: [], y: [], converged: maxAbs(gradient) === 0 ? 'gradient' : null, evaluations: 1 };
}

/** Two-loop recursion: the search direction −H·g from the stored correction pairs. */
function direction(state: LbfgsState): Float64Array {
  const q = Float64Array.from(state.gradient);
  const k = state.s.length;
  const alpha = new Float64Array(k);
  const rho = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    const s = state.s[i] as Float64Array;
    const y = state.y[i] as Float64Array;
    rho[i] = 1 / dot(y, s);
    alpha[i] = (rho[i] as number) * dot(s, q);
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) - (alpha[i] as number) * (y[j] as number);
  }
  const last = k - 1;
  const gamma = k ? dot(state.s[last] as Float64Array, state.y[last] as Float64Array) / dot(state.y[last] as Float64Array, state.y[last] as Float64Array) : 1 / Math.max(maxAbs(state.gradient), 1e-12);
  for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) * gamma;
  for (let i = 0; i < k; i++) {
    const beta = (rho[i] as number) * dot(state.y[i] as Float64Array, q);
    const s = state.s[i] as Float64Array;
    const shift = (alpha[i] as number) - beta;
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) + (s[j] as number) * shift;
  }
  for (let j = 0; j < q.length; j++) q[j] = -(q[j] as number);
  return q;
}

/** One iteration: direction, line search, update of the pairs. Mutates and returns `state`. */
export function lbfgsStep(f: Objective, state: LbfgsState, opts: LbfgsOptions): LbfgsState {
  const memory = opts.memory ?? 10;
  let d = direction(state);
  let slope = dot(d, state.gradient);
  if (!(slope < 0)) {
    // Not a descent direction (numerical trouble): restart from steepest descent.
    state.s = [];
    state.y = [];
    d = direction(state);
    slope = dot(d, state.gradient);
  }
  const n = state.x.length;
  const next = new Float64Array(n);
  const nextGradient = new Float64Array(n);
  let step = 1;
  let loss = Number.NaN;
  for (let tries = 0; tries < 40; tries++) {
    for (let j = 0; j < n; j++) next[j] = (state.x[j] as number) + step * (d[j] as number);
    loss = f(next, nextGradient);
    state.evaluations += 1;
    if (Number.isFinite(loss) && loss <= state.loss + 1e-4 * step * slope) break;
    step *= 0.5;
    loss = Number.NaN;
  }
  state.iteration += 1;
  if (Number.isNaN(loss)) {
    state.converged = 'line-search';
    return state;
  }
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    s[j] = (next[j] as number) - (state.x[j] as number);
    y[j] = (nextGradient[j] as number) - (state.gradient[j] as number);
  }
  if (dot(s, y) > 1e-12) {
    state.s.push(s);
    state.y.push(y);
    if (state.s.length > memory) {
      state.s.shift();
      state.y.shift();
    }
  }
  const previous = state.loss;
  state.x = next;
  state.gradient = nextGradient;
  state.loss = loss;
  if (maxAbs(nextGradient) <= opts.tolerance) state.converged = 'gradient';
  else if ((previous - loss) / Math.max(Math.abs(previous), Math.abs(loss), 1) <= (opts.lossTolerance ?? 1e-12)) state.converged = 'loss';
  return state;
}

export const lbfgsDone = (state: LbfgsState, opts: LbfgsOptions): boolean => state.converged !== null || state.iteration >= opts.maxIterations;
