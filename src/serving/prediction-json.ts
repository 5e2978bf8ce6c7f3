/**
 * The JSON answers of a classifier version, written by hand: the parts that never change (model name, version,
 * the classes' keys) are made once per version, so a request only formats its own numbers and request id.
 * Same bytes as the response schema's serializer would write for `{model, version, requestId, prediction(s)}`,
 * without building a prediction object per row first.
 */
export interface PredictionJson {
  /** `{"model":…,"version":…,"requestId":…,"prediction":{"label":…,"probabilities":{…}}}` for row 0. */
  single(requestId: string, labels: Uint16Array, probabilities: Float64Array): string;
  /** The same with `"predictions":[…]`, one per row. */
  batch(requestId: string, labels: Uint16Array, probabilities: Float64Array): string;
}

/** JSON of a number as JSON.stringify writes it (non-finite numbers become null). */
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

export function predictionJson(model: string, version: number, classes: readonly string[]): PredictionJson {
  const head = `{"model":${JSON.stringify(model)},"version":${version},"requestId":`;
  const labels = classes.map((c) => `{"label":${JSON.stringify(c)},"probabilities":{`);
  const keys = classes.map((c, i) => `${i === 0 ? '' : ','}${JSON.stringify(c)}:`);
  const k = classes.length;
  const row = (label: number, p: Float64Array, r: number): string => {
    let s = labels[label] as string;
    for (let c = 0; c < k; c++) s += (keys[c] as string) + num(p[r * k + c] as number);
    return `${s}}}`;
  };
  return {
    single: (requestId, l, p) => `${head}${JSON.stringify(requestId)},"prediction":${row(l[0] as number, p, 0)}}`,
    batch: (requestId, l, p) => {
      let s = `${head}${JSON.stringify(requestId)},"predictions":[`;
      for (let r = 0; r < l.length; r++) s += (r === 0 ? '' : ',') + row(l[r] as number, p, r);
      return `${s}]}`;
    },
  };
}

/** Each row's label: the first class with the highest probability (as the built-in model and `toPredictions`). */
export function argmaxLabels(probabilities: Float64Array, classCount: number): Uint16Array {
  const rows = probabilities.length / classCount;
  const labels = new Uint16Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) if ((probabilities[r * classCount + c] as number) > (probabilities[r * classCount + best] as number)) best = c;
    labels[r] = best;
  }
  return labels;
}
