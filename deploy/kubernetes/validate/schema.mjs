// Validates rendered Kubernetes objects against the OpenAPI schemas that the kubernetes-models packages
// ship compiled (core Kubernetes, KEDA, Prometheus Operator): field types, required fields, enums and
// formats. Unknown fields are not reported (the schemas allow them). Kinds without a model here
// (RabbitmqCluster, MongoDBCommunity) are listed as skipped; check_objects.py covers them structurally.
// Usage: node schema.mjs FILE.json...   (each file: a JSON array of objects)   Exit 1 on any error.
import { readFileSync } from "node:fs";

const packages = [
  { match: (group) => group === "keda.sh", module: (g, v, k) => `@kubernetes-models/keda/${g}/${v}/${k}` },
  {
    match: (group) => group === "monitoring.coreos.com",
    module: (g, v, k) => `@kubernetes-models/prometheus-operator/${g}/${v}/${k}`,
  },
  // Core ("" group, path v1/Kind) and the other built-in groups (path group/version/Kind).
  {
    match: (group) => group === "" || group.endsWith(".k8s.io") || !group.includes("."),
    module: (g, v, k) => (g === "" ? `kubernetes-models/${v}/${k}` : `kubernetes-models/${g}/${v}/${k}`),
  },
];

let errors = 0;
let validated = 0;
const skipped = new Set();
for (const file of process.argv.slice(2)) {
  const objects = JSON.parse(readFileSync(file, "utf8"));
  for (const obj of objects) {
    const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const pkg = packages.find((p) => p.match(group));
    let Model;
    try {
      Model = pkg && (await import(pkg.module(group, version, obj.kind)))[obj.kind];
    } catch (e) {
      if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw e;
    }
    if (!Model) {
      skipped.add(`${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
      validated++;
    } catch (e) {
      errors++;
      console.log(`  SCHEMA ERROR ${where}: ${e.message}`);
    }
  }
}
console.log(`  schema: ${validated} object(s) valid, ${errors} invalid` +
  (skipped.size ? `; no schema for: ${[...skipped].sort().join(", ")}` : ""));
process.exit(errors ? 1 : 0);
