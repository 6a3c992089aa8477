/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A metric family as `# HELP` / `# TYPE` announce it, with its samples. */
export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/**
 * Parses a /metrics answer (text format 0.0.4) into its families, by name.
 * prom-client announces every registered metric with HELP and TYPE, also
 * before it has a sample (a labelled counter nothing incremented yet), so
 * the families are what the app exports whatever it has done so far.
 */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, type: 'untyped', help: '', samples: [] }));
    return found;
  };
  for (const line of text.split('\n')) {
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment;
      if (kind === 'HELP') family(name).help = rest;
      else family(name).type = rest;
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const [, name, labelText = '', value] = sample;
    const labels: Record<string, string> = {};
    for (const [, label, labelValue] of labelText.matchAll(LABEL)) labels[label] = labelValue.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    family(familyOf(name, families)).samples.push({ name, labels, value: Number(value) });
  }
  return families;
}

/** The series names a family is queried by: its own name, and for histograms and summaries the suffixed series. */
export function seriesNames(family: MetricFamily): string[] {
  return [family.name, ...(SUFFIXES[family.type] ?? []).map((suffix) => family.name + suffix)];
}

/** Sum of a family's samples whose labels include `match`. */
export function sampleSum(families: Map<string, MetricFamily>, name: string, match: Record<string, string> = {}): number {
  return (families.get(familyOf(name, families))?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): string {
  if (families.has(sampleName)) return sampleName;
  for (const [name, { type }] of families) {
    if ((SUFFIXES[type] ?? []).some((suffix) => sampleName === name + suffix)) return name;
  }
  return sampleName;
}
