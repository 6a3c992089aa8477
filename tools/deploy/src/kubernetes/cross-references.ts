import type { DeployedApp } from '../deployed-apps';
import { objectsOfKind, type KubernetesObject, type ManifestSet } from './manifest-set';
import { memoryBytes } from './memory-quantity';

/** What the manifests of one app must agree on, besides each object's schema. */
export interface ReferenceContext {
  app: DeployedApp;
  /** Environment variables the app (or its image's start command) reads. */
  configKeys: string[];
}

type Labels = Record<string, string> | undefined;

const selects = (selector: Labels, labels: Labels) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/**
 * Every broken reference between an app's objects, as a sentence naming the object:
 * selectors that miss the pods, probe and Service ports no container has, an HPA aiming
 * elsewhere, ConfigMap keys the app never reads, missing kinds, probes off the ops
 * endpoints, root containers, missing memory limits. Empty when everything holds.
 */
export function crossReferenceProblems(set: ManifestSet, { app, configKeys }: ReferenceContext): string[] {
  const problems: string[] = [];
  const listed = [...set.kustomizationResources].sort();
  if (JSON.stringify(listed) !== JSON.stringify(set.files)) problems.push(`kustomization.yaml lists ${listed.join(', ')} but the folder holds ${set.files.join(', ')}`);
  const required = ['Deployment', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', ...(app.servicePorts.length > 0 ? ['Service'] : [])];
  for (const kind of required) if (objectsOfKind(set, kind).length === 0) problems.push(`no ${kind}`);

  const deployments = objectsOfKind(set, 'Deployment');
  const configMaps = new Map(objectsOfKind(set, 'ConfigMap').map((map) => [map.metadata.name, map]));
  for (const deployment of deployments) {
    const where = `Deployment ${deployment.metadata.name}`;
    const podLabels = deployment['spec']?.template?.metadata?.labels as Labels;
    if (!selects(deployment['spec']?.selector?.matchLabels, podLabels)) problems.push(`${where}: selector.matchLabels does not select its pod template's labels`);
    const pod = deployment['spec']?.template?.spec ?? {};
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${where}: pod securityContext.runAsNonRoot must be true`);
    if (pod.securityContext?.runAsUser === 0) problems.push(`${where}: pod runs as uid 0`);
    const containers = (pod.containers ?? []) as KubernetesObject[];
    const container = containers.find((c) => c['name'] === app.name);
    if (!container) {
      problems.push(`${where}: no container named ${app.name}`);
      continue;
    }
    problems.push(...containerProblems(`${where} container ${app.name}`, container, pod, configMaps, { app, configKeys }));
    const ports = (container['ports'] ?? []) as Array<{ name?: string; containerPort: number }>;
    const portOf = (ref: string | number | undefined) => (typeof ref === 'number' ? ports.find((p) => p.containerPort === ref) : ports.find((p) => p.name === ref));
    for (const service of objectsOfKind(set, 'Service')) {
      if (!selects(service['spec']?.selector, podLabels)) problems.push(`Service ${service.metadata.name}: selector does not select Deployment ${deployment.metadata.name}'s pods`);
      for (const port of service['spec']?.ports ?? []) {
        if (!portOf(port.targetPort ?? port.port)) problems.push(`Service ${service.metadata.name} port ${port.name ?? port.port}: targetPort ${port.targetPort ?? port.port} is no port of container ${app.name}`);
      }
    }
    for (const pdb of objectsOfKind(set, 'PodDisruptionBudget')) {
      if (!selects(pdb['spec']?.selector?.matchLabels, podLabels)) problems.push(`PodDisruptionBudget ${pdb.metadata.name}: selector does not select Deployment ${deployment.metadata.name}'s pods`);
    }
    const scrapePort = deployment['spec']?.template?.metadata?.annotations?.['prometheus.io/port'];
    if (scrapePort !== undefined && !portOf(Number(scrapePort))) problems.push(`${where}: prometheus.io/port ${scrapePort} is no container port`);
  }

  for (const hpa of objectsOfKind(set, 'HorizontalPodAutoscaler')) {
    const target = hpa['spec']?.scaleTargetRef ?? {};
    if (target.kind !== 'Deployment' || target.apiVersion !== 'apps/v1' || !deployments.some((d) => d.metadata.name === target.name)) {
      problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name}: scaleTargetRef ${target.apiVersion} ${target.kind} ${target.name} is no Deployment here`);
    }
    const minReplicas = hpa['spec']?.minReplicas ?? 1;
    for (const pdb of objectsOfKind(set, 'PodDisruptionBudget')) {
      const minAvailable = pdb['spec']?.minAvailable;
      if (typeof minAvailable === 'number' && minAvailable >= minReplicas) {
        problems.push(`PodDisruptionBudget ${pdb.metadata.name}: minAvailable ${minAvailable} >= the HPA's minReplicas ${minReplicas}: no pod could ever be evicted`);
      }
    }
  }
  return problems;
}

function containerProblems(
  where: string,
  container: KubernetesObject,
  pod: KubernetesObject,
  configMaps: Map<string, KubernetesObject>,
  { app, configKeys }: ReferenceContext,
): string[] {
  const problems: string[] = [];
  if (!String(container['image'] ?? '').startsWith(`eventpath/${app.name}:`)) problems.push(`${where}: image ${container['image']} is not eventpath/${app.name}:<tag>`);
  const env = environmentOf(container, configMaps);
  for (const { key, from } of env) if (!configKeys.includes(key)) problems.push(`${where}: ${from} sets ${key}, which ${app.name} does not read`);
  const valueOf = (key: string) => env.find((entry) => entry.key === key)?.value;
  const opsPort = Number(valueOf('OPS_PORT') ?? app.opsPort);
  const servicePorts = app.name === 'rest-gateway' ? [Number(valueOf('HTTP_PORT') ?? app.servicePorts[0])] : app.servicePorts;
  const ports = (container['ports'] ?? []) as Array<{ name?: string; containerPort: number }>;
  for (const port of [opsPort, ...servicePorts]) if (!ports.some((p) => p.containerPort === port)) problems.push(`${where}: no containerPort ${port} (the app listens there)`);
  const probes: Array<[string, string]> = [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']];
  for (const [probe, path] of probes) {
    const get = container[probe]?.httpGet;
    if (!get) {
      problems.push(`${where}: no ${probe} with httpGet`);
      continue;
    }
    const port = typeof get.port === 'number' ? get.port : ports.find((p) => p.name === get.port)?.containerPort;
    if (get.path !== path || port !== opsPort) problems.push(`${where}: ${probe} is GET ${get.path} on port ${get.port}; it must be GET ${path} on the ops port ${opsPort}`);
  }
  const startup = container['startupProbe']?.httpGet;
  if (startup && startup.path !== '/healthz') problems.push(`${where}: startupProbe must GET /healthz`);
  const security = container['securityContext'] ?? {};
  if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: securityContext.allowPrivilegeEscalation must be false`);
  if (security.runAsUser === 0 || (security.runAsNonRoot === false && pod['securityContext']?.runAsNonRoot !== true)) problems.push(`${where}: runs as root`);
  const resources = container['resources'] ?? {};
  if (!resources.requests?.cpu || !resources.requests?.memory || !resources.limits?.memory) problems.push(`${where}: needs requests.cpu, requests.memory and limits.memory`);
  else if (memoryBytes(resources.limits.memory) < memoryBytes(resources.requests.memory)) problems.push(`${where}: limits.memory ${resources.limits.memory} below requests.memory ${resources.requests.memory}`);
  for (const ref of (container['envFrom'] ?? []) as Array<{ configMapRef?: { name: string; optional?: boolean } }>) {
    if (ref.configMapRef && !ref.configMapRef.optional && !configMaps.has(ref.configMapRef.name)) problems.push(`${where}: envFrom ConfigMap ${ref.configMapRef.name} is not among the manifests`);
  }
  for (const volume of (pod['volumes'] ?? []) as Array<{ name: string; configMap?: { name: string; optional?: boolean } }>) {
    if (volume.configMap && !volume.configMap.optional && !configMaps.has(volume.configMap.name)) problems.push(`${where}: volume ${volume.name} needs ConfigMap ${volume.configMap.name}, not among the manifests`);
  }
  return problems;
}

/** The environment a container gets from `env` and `envFrom` ConfigMaps (Secrets hold no keys to check here). */
export function environmentOf(container: KubernetesObject, configMaps: Map<string, KubernetesObject>): Array<{ key: string; value?: string; from: string }> {
  const entries: Array<{ key: string; value?: string; from: string }> = [];
  for (const ref of (container['envFrom'] ?? []) as Array<{ configMapRef?: { name: string } }>) {
    const map = ref.configMapRef && configMaps.get(ref.configMapRef.name);
    if (!map) continue;
    for (const [key, value] of Object.entries((map['data'] ?? {}) as Record<string, string>)) entries.push({ key, value, from: `ConfigMap ${map.metadata.name}` });
  }
  for (const variable of (container['env'] ?? []) as Array<{ name: string; value?: string }>) entries.push({ key: variable.name, value: variable.value, from: 'env' });
  return entries;
}
