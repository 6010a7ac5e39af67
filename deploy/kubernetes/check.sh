#!/usr/bin/env bash
# Offline check of the Kubernetes manifests, for CI and before a commit; needs no cluster:
#   bash deploy/kubernetes/check.sh
# 1. parses every YAML file under deploy/kubernetes;
# 2. checks that components/monitoring/prometheusrule.yaml matches grafana/alerts/notifyhub-rules.yml
#    (sync-rules.sh --check), and that components/monitoring/grafana-dashboard.yaml carries
#    grafana/dashboards/notifyhub.json unchanged (sync-dashboard.sh --check);
#    and that docker-compose.yml pins every image to a version (no `latest`, no major-only tag);
# 3. renders the base and every overlay with `kubectl kustomize`;
# 4. checks the rendered objects structurally and against each other (validate/check_objects.py prints
#    the list), with `promtool check rules` on the PrometheusRule when promtool is installed;
# 5. validates them against the Kubernetes, KEDA and Prometheus Operator OpenAPI schemas
#    (validate/schema.mjs, with the npm packages of validate/package-lock.json, installed once into
#    ~/.cache/notifyhub-kube-schema). NOTIFYHUB_SKIP_SCHEMA=1 skips this step; so does a machine without
#    node and npm (said loudly).
# Exits non-zero on any problem.
# Needs: kubectl (with its built-in kustomize), python3 with PyYAML; node and npm for step 5.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

fail() { echo "check.sh: $*" >&2; exit 1; }
command -v kubectl >/dev/null || fail "kubectl not found (Debian: apt-get install kubernetes-client)"
python3 -c 'import yaml' 2>/dev/null || fail "python3 with PyYAML is needed (Debian: apt-get install python3-yaml)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== YAML files parse"
python3 - "$here" <<'PY'
import pathlib, sys, yaml
root = pathlib.Path(sys.argv[1])
files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and "node_modules" not in p.parts)
for p in files:
    try:
        list(yaml.safe_load_all(p.read_text()))
    except yaml.YAMLError as e:
        sys.exit(f"  {p}: {e}")
print(f"  {len(files)} files")
PY

echo "== PrometheusRule in sync with grafana/alerts/notifyhub-rules.yml"
bash "$here/sync-rules.sh" --check | sed 's/^/  /'

echo "== Grafana dashboard ConfigMap in sync with grafana/dashboards/notifyhub.json"
bash "$here/sync-dashboard.sh" --check | sed 's/^/  /'

echo "== docker-compose.yml pins its image tags"
python3 - "$repo/docker-compose.yml" <<'PY'
import re, sys, yaml
with open(sys.argv[1]) as f:
    services = yaml.safe_load(f)["services"]
bad = []
for name, service in services.items():
    image = service.get("image")
    if image is None:
        continue
    repo_part, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    # a pinned tag names at least major.minor (8.0.13, v3.5.0, 4.1.4-management); latest, 8, 4-management float
    if not tag or tag == "latest" or not re.match(r"^v?\d+\.\d+", tag):
        bad.append(f"{name}: {image}")
if bad:
    sys.exit("  floating image tags (pin a version):\n    " + "\n    ".join(bad))
print(f"  {sum(1 for s in services.values() if 'image' in s)} images, all pinned")
PY

echo "== Render (kubectl kustomize)"
targets=("$here/base")
for overlay in "$here"/overlays/*/; do
  targets+=("${overlay%/}")
done
for target in "${targets[@]}"; do
  name="$(basename "$target")"
  kubectl kustomize "$target" >"$work/$name.yaml" || fail "kubectl kustomize ${target#"$repo/"} failed"
  echo "  ${target#"$repo/"} -> $(grep -c '^kind:' "$work/$name.yaml") objects"
done

echo "== Structural checks"
status=0
python3 "$here/validate/check_objects.py" --json-out "$work" "$work"/*.yaml || status=1

echo "== Schema validation"
if [[ "${NOTIFYHUB_SKIP_SCHEMA:-}" == 1 ]]; then
  echo "  SKIPPED (NOTIFYHUB_SKIP_SCHEMA=1)"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "  SKIPPED: node and npm not found, schemas NOT validated"
else
  lock_hash="$(sha256sum "$here/validate/package-lock.json" | cut -c1-16)"
  cache="${NOTIFYHUB_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/notifyhub-kube-schema}/$lock_hash"
  if [[ ! -d "$cache/node_modules" ]]; then
    echo "  installing the schema packages into $cache (once)"
    mkdir -p "$cache"
    cp "$here/validate/package.json" "$here/validate/package-lock.json" "$cache/"
    (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error >"$cache/npm.log" 2>&1) || {
      rm -rf "$cache/node_modules"
      cat "$cache/npm.log" >&2
      fail "npm ci of the schema packages failed (offline? NOTIFYHUB_SKIP_SCHEMA=1 skips this step)"
    }
  fi
  cp "$here/validate/schema.mjs" "$cache/schema.mjs"
  node "$cache/schema.mjs" "$work"/*.json || status=1
fi

if [[ $status -ne 0 ]]; then
  echo "check.sh: FAILED" >&2
  exit 1
fi
echo "check.sh: all checks passed"
