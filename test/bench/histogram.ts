/**
 * Latency histograms for the paced runs: fixed buckets (upper bounds in ms, roughly log-spaced), so
 * the direct path, the proxy path and two runs of the bench can be compared bucket by bucket. The
 * tail (p99 and above) is what the buckets are for: a few slow batches show up as a bump in the
 * 10–500 ms buckets that a p99 alone hides.
 */
export const BUCKETS_MS = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, Number.POSITIVE_INFINITY];

/** Counts per bucket: counts[i] = latencies in (BUCKETS_MS[i-1], BUCKETS_MS[i]]. NaN (failed) is skipped. */
export function histogram(latenciesMs: Float64Array | number[]): number[] {
  const counts = BUCKETS_MS.map(() => 0);
  for (const value of latenciesMs) {
    if (Number.isNaN(value)) continue;
    let i = 0;
    while (value > BUCKETS_MS[i]!) i++;
    counts[i]!++;
  }
  return counts;
}

/** Adds `more` into `into` (same buckets). */
export function addInto(into: number[], more: number[]): number[] {
  more.forEach((count, i) => (into[i] = (into[i] ?? 0) + count));
  return into;
}

const label = (i: number) => (i === BUCKETS_MS.length - 1 ? `>${BUCKETS_MS[i - 1]}` : `≤${BUCKETS_MS[i]}`);

/** One line per bucket, both paths side by side, with percentages and a bar for the proxy path. */
export function formatHistograms(direct: number[], proxy: number[]): string[] {
  const totalD = direct.reduce((a, b) => a + b, 0) || 1;
  const totalP = proxy.reduce((a, b) => a + b, 0) || 1;
  const lines = [`${"ms".padStart(8)} ${"direct".padStart(14)} ${"proxy".padStart(14)}`];
  BUCKETS_MS.forEach((_, i) => {
    const d = direct[i] ?? 0;
    const p = proxy[i] ?? 0;
    if (d === 0 && p === 0) return;
    const pct = (n: number, total: number) => `${((100 * n) / total).toFixed(2)}%`.padStart(7);
    lines.push(`${label(i).padStart(8)} ${String(d).padStart(6)} ${pct(d, totalD)} ${String(p).padStart(6)} ${pct(p, totalP)} ${"#".repeat(Math.ceil((40 * p) / totalP))}`);
  });
  return lines;
}

/** The buckets as an object for the results file: {"≤0.25": n, …}. */
export function bucketsObject(counts: number[]): Record<string, number> {
  return Object.fromEntries(counts.map((count, i) => [label(i), count]));
}
