/**
 * Sum of the samples of `name` in Prometheus text whose labels include
 * `labels` (0 when there are none).
 */
export function sumOfMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) sum += Number(match[4]);
  }
  return sum;
}

/** Fetches `/metrics` of a worker and sums one metric. */
export async function workerMetric(opsUrl: string, name: string, labels?: Record<string, string>): Promise<number> {
  const response = await fetch(`${opsUrl}/metrics`);
  return sumOfMetric(await response.text(), name, labels);
}
