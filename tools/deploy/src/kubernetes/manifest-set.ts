import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as written, with where it came from (`file.yaml#2`: the second document). */
export interface ManifestObject {
  source: string;
  object: KubernetesObject;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // Manifests are checked field by field; their shape is what the schema validation proves.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface ManifestSet {
  dir: string;
  /** `resources:` of kustomization.yaml, in order. */
  kustomizationResources: string[];
  /** Every .yaml file of the folder but kustomization.yaml. */
  files: string[];
  objects: ManifestObject[];
}

/** Reads an app's deploy/kubernetes folder: the kustomization and every object of the files it lists. */
export function readManifestSet(dir: string): ManifestSet {
  const kustomization = parseOne(join(dir, 'kustomization.yaml')) as { resources?: string[] };
  const kustomizationResources = kustomization.resources ?? [];
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml').sort();
  const objects: ManifestObject[] = [];
  for (const file of kustomizationResources) {
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).forEach((document, index) => {
      if (document.errors.length > 0) throw new Error(`${file}#${index + 1}: ${document.errors.map((e) => e.message).join('; ')}`);
      const object = document.toJS() as KubernetesObject | null;
      if (object !== null) objects.push({ source: `${file}#${index + 1}`, object });
    });
  }
  return { dir, kustomizationResources, files, objects };
}

function parseOne(file: string): unknown {
  const [document, ...more] = parseAllDocuments(readFileSync(file, 'utf8'));
  if (!document || more.length > 0 || document.errors.length > 0) throw new Error(`${file} must hold one YAML document`);
  return document.toJS();
}

/** The objects of one kind. */
export function objectsOfKind(set: ManifestSet, kind: string): KubernetesObject[] {
  return set.objects.filter(({ object }) => object.kind === kind).map(({ object }) => object);
}
