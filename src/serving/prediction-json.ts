import { jsonKeyPrefixes, jsonNumber } from '../domain';

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

export function predictionJson(model: string, version: number, classes: readonly string[]): PredictionJson {
  const head = `{"model":${JSON.stringify(model)},"version":${version},"requestId":`;
  const labels = classes.map((c) => `{"label":${JSON.stringify(c)},"probabilities":{`);
  const keys = jsonKeyPrefixes(classes);
  const k = classes.length;
  const row = (label: number, p: Float64Array, r: number): string => {
    let s = labels[label] as string;
    for (let c = 0; c < k; c++) s += (keys[c] as string) + jsonNumber(p[r * k + c] as number);
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
