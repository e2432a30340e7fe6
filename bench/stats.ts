/** Small helpers for repeated trials. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The median absolute deviation: how far a typical trial lies from the median (robust to one odd trial). */
export function medianAbsoluteDeviation(values: number[]): number {
  const mid = median(values);
  return median(values.map((value) => Math.abs(value - mid)));
}

/**
 * A ratio measured as pairs (the route and its floor, each trial's two loads back to back): the
 * median of the trials' ratios and its spread, so a drift of the machine between trials (another
 * job starting) moves both sides of a pair, not the figure.
 */
export function pairedRatio(route: number[], floor: number[]): { ratio: number; spread: number } {
  const ratios = route.map((value, i) => value / floor[i]!);
  return { ratio: median(ratios), spread: medianAbsoluteDeviation(ratios) };
}
