// k8s-check.cjs NODE_PREFIX FILE.yaml: validates every document of a
// tfrun kubernetes export against the Kubernetes OpenAPI schema (npm
// kubernetes-models, installed under NODE_PREFIX/node_modules) and checks
// what the schema does not: DNS-1123 names, selectors equal to the pod
// labels, ConfigMap and Secret keys, every env value a string. Prints the
// documents as one JSON array on stdout for the test's own assertions;
// prints each problem on stderr and exits 1 if there is any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const [prefix, file] = process.argv.slice(2);
const req = createRequire(path.join(path.resolve(prefix), "package.json"));
const { parseAllDocuments } = req("yaml");
const models = {
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "batch/v1/Job": "kubernetes-models/batch/v1/Job",
};
const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dataKey = /^[-._a-zA-Z0-9]+$/;
const problems = [];
const bad = (what) => problems.push(`${file}: ${what}`);

const docs = [];
// YAML 1.1, as kubectl's go-yaml reads it: yes/no/on/off are booleans.
for (const d of parseAllDocuments(fs.readFileSync(file, "utf8"), { version: "1.1" })) {
  if (d.errors.length) { bad(`YAML error: ${d.errors[0].message}`); continue; }
  const obj = d.toJS();
  if (obj === null || obj === undefined) { bad("an empty document"); continue; }
  docs.push(obj);
  const id = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
  const mod = models[`${obj.apiVersion}/${obj.kind}`];
  if (!mod) { bad(`${id}: unexpected apiVersion/kind ${obj.apiVersion} ${obj.kind}`); continue; }
  const Cls = req(mod)[obj.kind];
  try {
    new Cls(obj).validate();
  } catch (e) {
    bad(`${id}: INVALID ${e.errors ? JSON.stringify(e.errors.map((x) => [x.instancePath, x.message])) : e.message}`);
  }
  const name = obj.metadata.name;
  if (!dns1123.test(name) || name.length > 63) bad(`${id}: name is not a DNS-1123 label`);
  for (const [k, v] of Object.entries(obj.metadata.labels || {}))
    if (typeof v !== "string" || v.length > 63) bad(`${id}: label ${k} is not a short string`);
  if (obj.kind === "ConfigMap" || obj.kind === "Secret")
    for (const [k, v] of Object.entries(obj.data || {})) {
      if (!dataKey.test(k)) bad(`${id}: key ${k} is not a valid data key`);
      if (typeof v !== "string") bad(`${id}: ${k} is not a string`);
    }
  const spec = obj.spec || {};
  if (obj.kind === "Deployment") {
    const sel = JSON.stringify(spec.selector && spec.selector.matchLabels);
    const labels = JSON.stringify(spec.template.metadata.labels);
    if (sel !== labels) bad(`${id}: selector ${sel} is not the pod labels ${labels}`);
  }
  if (spec.template)
    for (const c of spec.template.spec.containers) {
      if (!dns1123.test(c.name)) bad(`${id}: container ${c.name} is not a DNS-1123 label`);
      for (const e of c.env || [])
        if (typeof e.value !== "string") bad(`${id}: env ${e.name} is not a string`);
      for (const a of c.command || [])
        if (typeof a !== "string") bad(`${id}: a command word is not a string`);
    }
}
for (const p of problems) console.error(p);
process.stdout.write(JSON.stringify(docs) + "\n");
process.exit(problems.length ? 1 : 0);
