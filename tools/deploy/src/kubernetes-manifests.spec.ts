import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
/* eslint-disable-next-line @nx/enforce-module-boundaries -- the archiver's own parser reads the memory budget of its ConfigMap's file */
import { parseArchiverConfig } from '../../../apps/archiver/src/config';
import { environmentKeysReadBy } from './config/app-config-keys';
import { DEPLOYED_APPS, type DeployedApp } from './deployed-apps';
import { readDockerStages, variablesReadByStartCommand } from './dockerfile/dockerfile-stages';
import { crossReferenceProblems, environmentOf } from './kubernetes/cross-references';
import { objectsOfKind, readManifestSet } from './kubernetes/manifest-set';
import { memoryBytes } from './kubernetes/memory-quantity';
import { validateAgainstKubernetesSchemas } from './kubernetes/schema-validation';

const MiB = 2 ** 20;
const sets = new Map(DEPLOYED_APPS.map((app) => [app.name, readManifestSet(app.kubernetesDir)]));
const keysReadBy = (app: DeployedApp) => [...environmentKeysReadBy(app.name), ...variablesReadByStartCommand(readDockerStages(app.dockerfile))];

describe.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))('the Kubernetes manifests of %s', (name, app) => {
  const set = sets.get(name);
  if (!set) throw new Error(`no manifests read for ${name}`);

  it('are objects the Kubernetes API schemas accept (kubernetes-models)', () => {
    const verdicts = validateAgainstKubernetesSchemas(set.objects);
    expect(verdicts.map((v) => v.source)).toEqual(set.objects.map((o) => o.source));
    expect(verdicts.filter((v) => v.error !== null)).toEqual([]);
  });

  it('reference each other and the app consistently: selectors, ports, probes, HPA target, config keys, non-root, memory', () => {
    expect(crossReferenceProblems(set, { app, configKeys: keysReadBy(app) })).toEqual([]);
  });
});

describe('the archiver manifests size memory from its budget', () => {
  const set = sets.get('archiver');
  const deployment = set && objectsOfKind(set, 'Deployment')[0];
  const container = deployment?.['spec'].template.spec.containers[0];
  const configMaps = new Map(set ? objectsOfKind(set, 'ConfigMap').map((map) => [map.metadata.name, map]) : []);
  const fileMap = [...configMaps.values()].find((map) => map['data']?.['archiver.yaml']);

  it('heap = budgets.memory + 128 MiB, and the memory limit holds the budget plus 256 MiB (README "Memory")', () => {
    if (!container || !fileMap) throw new Error('the archiver needs a Deployment and a ConfigMap holding archiver.yaml');
    // As the pod starts: the file of the ConfigMap with the environment of the other one.
    const env = Object.fromEntries(environmentOf(container, configMaps).map(({ key, value }) => [key, value]));
    const config = parseArchiverConfig(parseYaml(fileMap['data']['archiver.yaml']), { env });
    const budget = config.budgets.memoryBytes;
    const heapMib = Number(environmentOf(container, configMaps).find((entry) => entry.key === 'ARCHIVER_HEAP_MIB')?.value);
    expect({ heapMib }).toEqual({ heapMib: budget / MiB + 128 });
    expect(memoryBytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(budget + 256 * MiB);
    expect(memoryBytes(container.resources.requests.memory)).toBeGreaterThanOrEqual(budget + 128 * MiB);
  });
});

it('every app has its manifests in apps/<app>/deploy/kubernetes', () => {
  expect(DEPLOYED_APPS.map((app) => join(app.kubernetesDir, 'kustomization.yaml'))).toEqual(DEPLOYED_APPS.map((app) => sets.get(app.name)?.dir && join(sets.get(app.name)?.dir as string, 'kustomization.yaml')));
});
