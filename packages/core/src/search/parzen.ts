/**
 * Parzen estimators as Optuna's TPE builds them: a mixture of one kernel per
 * observation plus a prior (weight 1) spread over the whole range.
 */

/** A truncated Gaussian mixture on [low, high]. */
export interface NumericParzen {
  mus: number[];
  sigmas: number[];
  weights: number[];
  low: number;
  high: number;
}

/**
 * The estimator of observed values `xs` of a dimension on [low, high]: the prior
 * N((low+high)/2, high−low) and one kernel per value, its width the larger gap to
 * its neighbours (bounds included), clipped to [(high−low)/min(100, n+1), high−low].
 */
export function numericParzen(xs: readonly number[], low: number, high: number): NumericParzen {
  const range = high - low || 1;
  const prior = (low + high) / 2;
  const mus = [...xs, prior];
  const sorted = [...mus].sort((a, b) => a - b);
  const minSigma = range / Math.min(100, mus.length + 1);
  const sigmas = mus.map((mu, index) => {
    if (index === mus.length - 1) return range;
    const at = sorted.indexOf(mu);
    const left = mu - (sorted[at - 1] ?? low);
    const right = (sorted[at + 1] ?? high) - mu;
    return Math.min(range, Math.max(minSigma, left, right));
  });
  const weights = mus.map(() => 1 / mus.length);
  return { mus, sigmas, weights, low, high };
}

/** A draw from the mixture: a kernel by weight, then its truncated normal (inverse CDF). */
export function sampleNumeric(parzen: NumericParzen, random: () => number): number {
  const index = pickIndex(parzen.weights, random());
  const mu = parzen.mus[index] as number;
  const sigma = parzen.sigmas[index] as number;
  const a = normalCdf((parzen.low - mu) / sigma);
  const b = normalCdf((parzen.high - mu) / sigma);
  const u = a + random() * (b - a);
  const x = mu + sigma * inverseNormalCdf(Math.min(1 - 1e-12, Math.max(1e-12, u)));
  return Math.min(parzen.high, Math.max(parzen.low, x));
}

/** log density of the mixture at x. */
export function logDensityNumeric(parzen: NumericParzen, x: number): number {
  let total = 0;
  parzen.mus.forEach((mu, index) => {
    const sigma = parzen.sigmas[index] as number;
    const mass = normalCdf((parzen.high - mu) / sigma) - normalCdf((parzen.low - mu) / sigma);
    const z = (x - mu) / sigma;
    const density = Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
    total += (parzen.weights[index] as number) * density;
  });
  return Math.log(Math.max(total, 1e-300));
}

/** Category probabilities: counts of the observed indices plus a prior of weight 1 spread evenly. */
export function categoricalParzen(indices: readonly number[], size: number): number[] {
  const counts = Array.from({ length: size }, () => 1 / size);
  for (const index of indices) if (index >= 0) counts[index] = (counts[index] as number) + 1;
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => count / total);
}

/** The index whose cumulative weight first passes u·Σweights. */
export function pickIndex(weights: readonly number[], u: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let target = u * total;
  for (let index = 0; index < weights.length; index++) {
    target -= weights[index] as number;
    if (target < 0) return index;
  }
  return weights.length - 1;
}

/** Φ(z), from erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const poly = (k: number[], x: number) => k.reduce((sum, coefficient) => sum * x + coefficient, 0);
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
