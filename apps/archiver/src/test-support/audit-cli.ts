import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { AuditReport } from '@eventpath/archive';
import { archiverBundle } from './archiver-bundle';

export interface AuditRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed report, when `--json` was given and the audit ran. */
  report?: AuditReport;
}

/** Runs `archiver audit ...` from the bundle, as an operator would. */
export async function runAuditCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AuditRun> {
  const bundle = await archiverBundle();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bundle, 'audit', ...args],
      { env: { PATH: process.env['PATH'], NODE_PATH: join(__dirname, '..', '..', '..', '..', 'node_modules'), ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let report: AuditReport | undefined;
        if (args.includes('--json')) {
          try {
            report = JSON.parse(stdout) as AuditReport;
          } catch {
            report = undefined;
          }
        }
        resolve({ code, stdout, stderr, ...(report ? { report } : {}) });
      },
    );
  });
}
