import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { AuditReport } from '@eventpath/archive';
import { REPO_ROOT } from './supervised-app';

export type AuditTotals = AuditReport['totals'];

export interface AuditRun {
  topic: string;
  /** 0: nothing missing; 1: a gap; 2: the audit could not run. */
  code: number;
  totals?: AuditTotals;
  output: string;
}

/**
 * `archiver audit --topic <topic> --config <archiver config> --json`, run as
 * an operator would run it: every offset of the mainstream topic, from the
 * log start to the high watermark, against the offsets the archive's
 * footers say they hold.
 */
export function auditArchive(configPath: string, topic: string): Promise<AuditRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'apps', 'archiver', 'src', 'main.ts'), 'audit', '--topic', topic, '--config', configPath, '--json'],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
        let totals: AuditTotals | undefined;
        try {
          totals = (JSON.parse(stdout) as AuditReport).totals;
        } catch {
          totals = undefined;
        }
        resolve({ topic, code, totals, output: `${stdout}${stderr}`.slice(-4000) });
      },
    );
  });
}
