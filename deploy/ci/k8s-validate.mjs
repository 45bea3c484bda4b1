// Validates Kubernetes objects against the schemas of their API groups, offline:
//   node k8s-validate.mjs FILE.yaml...      (multi-document YAML, e.g. `kubectl kustomize` output; - = stdin)
// The packages of package.json are looked up in $K8S_VALIDATE_MODULES (a directory holding their
// node_modules; `npm ci` there), else next to this file.
// Core and apps objects: kubernetes-models (the Kubernetes OpenAPI schemas); KEDA, Prometheus
// Operator and Strimzi custom resources: the @kubernetes-models packages generated from their CRDs.
// Exit 1 naming every invalid object and field; an apiVersion without a schema package is an error
// too, so a new kind of object cannot slip past unchecked.
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const modules = `${process.env.K8S_VALIDATE_MODULES ?? new URL(".", import.meta.url).pathname}/node_modules`;
// The model packages export their API-group folders to `import` only, so load the files by path.
const load = (name) => {
  const dir = `${modules}/${name}`;
  const pkg = existsSync(`${dir}/package.json`) ? JSON.parse(readFileSync(`${dir}/package.json`, "utf8")) : {};
  const entry = pkg.exports?.["."]?.import ?? pkg.exports?.["."]?.default?.import ?? pkg.module ?? pkg.main ?? "index.js";
  const file = pkg.name && typeof entry === "string" ? `${dir}/${entry}` : `${dir}/index.js`;
  if (!existsSync(file)) throw new Error(`${file} not found (npm ci in ${modules}/..)`);
  return import(pathToFileURL(file).href);
};
const { parseAllDocuments } = await load("yaml");

const packages = {
  "": "kubernetes-models/v1",
  "keda.sh": "@kubernetes-models/keda/keda.sh",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator/monitoring.coreos.com",
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io",
};

async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  let module;
  if (group === "") module = packages[""];
  else if (packages[group]) module = `${packages[group]}/${version}`;
  else if (!group.includes(".") || group.endsWith(".k8s.io")) module = `kubernetes-models/${group}/${version}`;
  else return { error: `no schema package for API group ${group}: add its @kubernetes-models package to deploy/ci/package.json` };
  let exports;
  try { exports = await load(module); } catch (e) { return { error: `no schema for ${apiVersion} (${module})` }; }
  return exports[kind] ? { cls: exports[kind] } : { error: `no schema for kind ${kind} in ${apiVersion}` };
}

const files = process.argv.slice(2);
if (files.length === 0) { console.error("usage: node k8s-validate.mjs FILE.yaml... (- for stdin)"); process.exit(2); }
let objects = 0, failures = 0;
for (const file of files) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) { console.error(`${file}: YAML error: ${doc.errors[0].message}`); failures++; continue; }
    const obj = doc.toJS();
    if (obj == null) continue;
    objects++;
    const name = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"} (${obj.apiVersion ?? "no apiVersion"}) in ${file}`;
    if (!obj.apiVersion || !obj.kind) { console.error(`INVALID ${name}: apiVersion and kind are required`); failures++; continue; }
    const { cls, error } = await modelClass(obj.apiVersion, obj.kind);
    if (error) { console.error(`INVALID ${name}: ${error}`); failures++; continue; }
    try {
      new cls(obj).validate();
    } catch (e) {
      failures++;
      const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}${x.params?.additionalProperty ? ` '${x.params.additionalProperty}'` : ""}`);
      console.error(`INVALID ${name}:\n  ${details.length ? details.join("\n  ") : e.message}`);
    }
  }
}
console.log(`k8s-validate: ${objects} objects, ${failures} invalid`);
process.exit(failures ? 1 : 0);
