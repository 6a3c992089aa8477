import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** One app as it is deployed: where its build, image and manifests are, and the ports it serves by default. */
export interface DeployedApp {
  name: 'rest-gateway' | 'fronting-worker' | 'archiver';
  /** Default `OPS_PORT`: /healthz, /readyz, /metrics. */
  opsPort: number;
  /** Ports besides the operations port (the gateway's ingest API). */
  servicePorts: number[];
  /** `nx build` output: the standalone folder. */
  distDir: string;
  dockerfile: string;
  kubernetesDir: string;
}

function app(name: DeployedApp['name'], opsPort: number, servicePorts: number[] = []): DeployedApp {
  return {
    name,
    opsPort,
    servicePorts,
    distDir: join(REPO_ROOT, 'dist', 'apps', name),
    dockerfile: join(REPO_ROOT, 'apps', name, 'Dockerfile'),
    kubernetesDir: join(REPO_ROOT, 'apps', name, 'deploy', 'kubernetes'),
  };
}

/** The three apps, with the defaults of their config schemas (HTTP_PORT 8082, OPS_PORT 9401/9402/9403). */
export const DEPLOYED_APPS: readonly DeployedApp[] = [app('rest-gateway', 9401, [8082]), app('fronting-worker', 9402), app('archiver', 9403)];

/** The bundle's file name in the standalone folder (`nx build` writes CommonJS as .cjs). */
export const BUNDLE_FILE = 'main.cjs';
