import type { AuditReport } from './audit-archive';
import type { OffsetRange } from './offset-coverage';

const MAX_RANGES_SHOWN = 20;

/** The report as an operator reads it: a table per partition, then the ranges missing or duplicated. */
export function formatAuditReport(report: AuditReport): string {
  const header = ['partition', 'expected from', 'to (excl.)', 'archived', 'missing', 'duplicates', 'dead-lettered', 'objects'];
  const rows = report.partitions.map((p) => [
    String(p.partition),
    String(p.from),
    String(p.to),
    String(p.archived),
    String(p.missingRecords),
    String(p.duplicateRecords),
    String(p.deadLettered),
    String(p.objects),
  ]);
  rows.push([
    'total',
    '',
    '',
    String(report.totals.archived),
    String(report.totals.missing),
    String(report.totals.duplicateRecords),
    String(report.totals.deadLettered),
    String(report.objectsListed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out = [
    `Archive audit of topic ${report.topic} in ${report.store} (${report.metadataSource === 'footer' ? 'footers' : 'object metadata'}; ${report.durationMs} ms)`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
  ];
  for (const p of report.partitions) {
    if (p.missing.length > 0) out.push(`partition ${p.partition} missing: ${ranges(p.missing)}`);
    if (p.duplicated.length > 0) {
      out.push(`partition ${p.partition} archived more than once: ${ranges(p.duplicated.map((d) => ({ ...d, note: `x${d.copies}` })))}`);
    }
  }
  for (const u of report.unreadable.slice(0, MAX_RANGES_SHOWN)) out.push(`unreadable: ${u.name}: ${u.problem}`);
  if (report.unreadable.length > MAX_RANGES_SHOWN) out.push(`... and ${report.unreadable.length - MAX_RANGES_SHOWN} more unreadable objects`);
  out.push(report.ok ? 'OK: no offset missing.' : `GAP: ${report.totals.missing} offsets missing${report.unreadable.length ? `, ${report.unreadable.length} objects unreadable` : ''}.`);
  return `${out.join('\n')}\n`;
}

function ranges(list: Array<OffsetRange & { note?: string }>): string {
  const shown = list.slice(0, MAX_RANGES_SHOWN).map((r) => `${r.first === r.last ? r.first : `${r.first}-${r.last}`}${r.note ? ` (${r.note})` : ''}`);
  return shown.join(', ') + (list.length > MAX_RANGES_SHOWN ? `, ... ${list.length - MAX_RANGES_SHOWN} more` : '');
}
