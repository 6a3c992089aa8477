// Validates Kubernetes objects against the API's OpenAPI schemas with kubernetes-models
// (ESM only, hence a script of its own, spawned by kubernetes-manifests.spec.ts).
//   stdin:  JSON [{ "source": "file.yaml#1", "object": { apiVersion, kind, ... } }, ...]
//   stdout: JSON [{ "source", "kind", "name", "error": null | "why" }, ...]
const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
}));

/** `apps/v1` + `Deployment` → `kubernetes-models/apps/v1/Deployment`; the core group (`v1`) has no group folder. */
function modulePath(apiVersion, kind) {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const results = [];
for (const { source, object } of input) {
  const kind = object?.kind;
  const name = object?.metadata?.name;
  let error = null;
  try {
    if (typeof object?.apiVersion !== 'string' || typeof kind !== 'string') throw new Error('apiVersion and kind must be strings');
    let Model;
    try {
      Model = (await import(modulePath(object.apiVersion, kind)))[kind];
    } catch {
      throw new Error(`no Kubernetes schema for ${object.apiVersion} ${kind}`);
    }
    new Model(object).validate();
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  results.push({ source, kind, name, error });
}
process.stdout.write(JSON.stringify(results));
