#!/usr/bin/env python3
"""Structural checks of rendered Kubernetes manifests (the output of `kubectl kustomize`), without a cluster.

Usage: check_objects.py [--json-out DIR] RENDERED.yaml...
Each file is one rendered target (its name, e.g. prod.yaml, names the target in messages). Checks the
objects of each file on their own and against each other (see CHECKS below), prints what it checked,
and exits 1 on any problem. With --json-out, also writes DIR/NAME.json (a JSON array of the objects) for
the schema validation step (schema.mjs).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

CHECKS = [
    "every object has apiVersion, kind, metadata.name (a DNS-1123 name) and, if namespaced, a namespace",
    "no two objects share kind, namespace and name; no Secret is rendered (Secrets are created by hand)",
    "Deployments: selector matches the pod template's labels; no two Deployments select the same pods",
    "containers: unique names, an image, cpu and memory requests <= limits, unique port names",
    "probes and preStop: every probe port is a port of its container",
    "envFrom/valueFrom: ConfigMaps exist in the render; Secrets are the documented hand-made ones",
    "Services: selector matches a Deployment's pods; every targetPort is a port of those pods",
    "PodDisruptionBudgets: select a Deployment; minAvailable is below its minimum replicas",
    "HPAs: target an existing Deployment; min <= max; CPU utilization targets have CPU requests",
    "ScaledObjects: target an existing Deployment without spec.replicas and without another HPA;"
    " rabbitmq triggers name a notifyhub work queue; authenticationRef exists",
    "workers: one Deployment per channel (email, sms, push) with NOTIFYHUB_WORKER_CHANNELS set to it;"
    " terminationGracePeriodSeconds longer than Spring's 30s shutdown phase",
    "api-service: a preStop hook; probes on the management port 9080",
    "ServiceMonitors: select a rendered Service (or one the RabbitMQ operator creates) with the endpoint's port",
    "PrometheusRules: groups with unique names, each rule one of record/alert with an expr"
    " (and `promtool check rules` when promtool is installed)",
    "RabbitmqCluster: 3+ replicas (odd), rabbitmq_prometheus plugin; MongoDBCommunity: 3+ members (odd),"
    " ReplicaSet, users with password Secrets",
    "ConfigMap RABBITMQ_ADDRESSES is a host:port list",
    "the base uses core Kubernetes kinds only (no operator needed)",
]

# Secrets the objects may reference although they are not rendered: created by hand (secret.example.yaml)
# or by an operator.
EXTERNAL_SECRETS = {"notifyhub-secrets", "notifyhub-mongodb-password"}
CHANNELS = {"email", "sms", "push"}
WORK_QUEUES = {f"notifyhub.work.{c}{p}" for c in CHANNELS for p in ("", ".high")}
SPRING_SHUTDOWN_PHASE_SECONDS = 30
OPERATOR_GROUPS = {
    "keda.sh": "KEDA",
    "monitoring.coreos.com": "Prometheus Operator",
    "rabbitmq.com": "RabbitMQ Cluster Operator",
    "mongodbcommunity.mongodb.com": "MongoDB Community Operator",
}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PriorityClass", "StorageClass", "PersistentVolume"}
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def parse_quantity(value):
    """Kubernetes quantity -> float (cores or bytes)."""
    s = str(value)
    suffixes = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
                "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    for suffix in sorted(suffixes, key=len, reverse=True):
        if s.endswith(suffix):
            return float(s[: -len(suffix)]) * suffixes[suffix]
    return float(s)


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


class Target:
    def __init__(self, name, objects):
        self.name = name
        self.objects = objects
        self.problems = []

    def error(self, obj, message):
        where = f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}" if obj else ""
        self.problems.append(f"{self.name}: {where}: {message}" if where else f"{self.name}: {message}")

    def of_kind(self, kind):
        return [o for o in self.objects if o.get("kind") == kind]

    def named(self, kind, name):
        return next((o for o in self.of_kind(kind) if o["metadata"]["name"] == name), None)


def pod_spec(deployment):
    return deployment.get("spec", {}).get("template", {}).get("spec", {})


def pod_labels(deployment):
    return deployment.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {}) or {}


def container_ports(container):
    return container.get("ports", []) or []


def port_in(port, ports):
    if isinstance(port, int):
        return any(p.get("containerPort") == port for p in ports)
    return any(p.get("name") == port for p in ports)


def check_metadata(t):
    seen = set()
    for o in t.objects:
        for field in ("apiVersion", "kind"):
            if not o.get(field):
                t.error(o, f"missing {field}")
        name = o.get("metadata", {}).get("name")
        if not name:
            t.error(o, "missing metadata.name")
            continue
        if len(name) > 253 or not DNS1123.match(name):
            t.error(o, f"metadata.name {name!r} is not a DNS-1123 name")
        ns = o["metadata"].get("namespace")
        if o.get("kind") not in CLUSTER_SCOPED and not ns:
            t.error(o, "namespaced object without metadata.namespace")
        key = (o.get("kind"), ns, name)
        if key in seen:
            t.error(o, "duplicate object")
        seen.add(key)
        if o.get("kind") == "Secret":
            t.error(o, "a Secret is rendered: Secrets are created by hand (see secret.example.yaml)")
    namespaces = {o["metadata"]["name"] for o in t.of_kind("Namespace")}
    for o in t.objects:
        ns = o.get("metadata", {}).get("namespace")
        if ns and ns not in namespaces:
            t.error(o, f"namespace {ns!r} is not rendered")


def min_replicas(t, deployment):
    """The fewest replicas a Deployment runs with: its HPA's or ScaledObject's minimum, else spec.replicas."""
    name = deployment["metadata"]["name"]
    for hpa in t.of_kind("HorizontalPodAutoscaler"):
        if hpa["spec"]["scaleTargetRef"].get("name") == name:
            return hpa["spec"].get("minReplicas", 1)
    for so in t.of_kind("ScaledObject"):
        if so["spec"]["scaleTargetRef"].get("name") == name:
            return so["spec"].get("minReplicaCount", 0)
    return deployment["spec"].get("replicas", 1)


def check_deployments(t):
    deployments = t.of_kind("Deployment")
    for d in deployments:
        selector = d.get("spec", {}).get("selector", {}).get("matchLabels", {})
        if not selects(selector, pod_labels(d)):
            t.error(d, f"selector {selector} does not match the template labels {pod_labels(d)}")
        for other in deployments:
            if other is not d and selects(selector, pod_labels(other)):
                t.error(d, f"its selector also selects the pods of Deployment/{other['metadata']['name']}")
        spec = pod_spec(d)
        containers = spec.get("containers", [])
        if not containers:
            t.error(d, "no containers")
        names = [c.get("name") for c in containers]
        if len(set(names)) != len(names):
            t.error(d, f"duplicate container names {names}")
        for c in containers:
            check_container(t, d, c)
        check_env_refs(t, d, spec)


def check_container(t, d, c):
    cname = c.get("name")
    if not c.get("image"):
        t.error(d, f"container {cname}: no image")
    ports = container_ports(c)
    port_names = [p.get("name") for p in ports if p.get("name")]
    if len(set(port_names)) != len(port_names):
        t.error(d, f"container {cname}: duplicate port names {port_names}")
    for pn in port_names:
        if len(pn) > 15:
            t.error(d, f"container {cname}: port name {pn!r} is longer than 15 characters")
    resources = c.get("resources", {})
    for kind in ("cpu", "memory"):
        req = resources.get("requests", {}).get(kind)
        lim = resources.get("limits", {}).get(kind)
        if req is None or lim is None:
            t.error(d, f"container {cname}: no {kind} request and limit")
        elif parse_quantity(req) > parse_quantity(lim):
            t.error(d, f"container {cname}: {kind} request {req} exceeds the limit {lim}")
    for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = c.get(probe_name)
        if not probe:
            t.error(d, f"container {cname}: no {probe_name}")
            continue
        action = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc")
        if action and "port" in action and not port_in(action["port"], ports):
            t.error(d, f"container {cname}: {probe_name} port {action['port']!r} is not a container port")
    pre_stop = c.get("lifecycle", {}).get("preStop", {})
    http = pre_stop.get("httpGet")
    if http and not port_in(http.get("port"), ports):
        t.error(d, f"container {cname}: preStop port {http.get('port')!r} is not a container port")


def check_env_refs(t, d, spec):
    configmaps = {o["metadata"]["name"] for o in t.of_kind("ConfigMap")}
    secrets = EXTERNAL_SECRETS | {o["metadata"]["name"] for o in t.of_kind("Secret")}
    for c in spec.get("containers", []) + spec.get("initContainers", []):
        refs = []
        for ef in c.get("envFrom", []):
            if "configMapRef" in ef:
                refs.append(("ConfigMap", ef["configMapRef"]["name"], ef["configMapRef"].get("optional")))
            if "secretRef" in ef:
                refs.append(("Secret", ef["secretRef"]["name"], ef["secretRef"].get("optional")))
        for e in c.get("env", []):
            vf = e.get("valueFrom", {})
            if "configMapKeyRef" in vf:
                refs.append(("ConfigMap", vf["configMapKeyRef"]["name"], vf["configMapKeyRef"].get("optional")))
            if "secretKeyRef" in vf:
                refs.append(("Secret", vf["secretKeyRef"]["name"], vf["secretKeyRef"].get("optional")))
        for kind, name, optional in refs:
            known = configmaps if kind == "ConfigMap" else secrets
            if name not in known and not optional:
                t.error(d, f"container {c.get('name')}: references {kind} {name!r}, which is neither rendered"
                           " nor a documented hand-made Secret")


def check_services(t):
    deployments = t.of_kind("Deployment")
    for s in t.of_kind("Service"):
        selector = s.get("spec", {}).get("selector", {})
        matched = [d for d in deployments if selects(selector, pod_labels(d))]
        if not matched:
            t.error(s, f"selector {selector} matches no Deployment's pods")
            continue
        names = [p.get("name") for p in s["spec"].get("ports", [])]
        if len(s["spec"].get("ports", [])) > 1 and (None in names or len(set(names)) != len(names)):
            t.error(s, f"ports need unique names, got {names}")
        for p in s["spec"].get("ports", []):
            target = p.get("targetPort", p.get("port"))
            for d in matched:
                ports = [port for c in pod_spec(d).get("containers", []) for port in container_ports(c)]
                if not port_in(target, ports):
                    t.error(s, f"targetPort {target!r} is not a port of Deployment/{d['metadata']['name']}")


def check_pdbs(t):
    deployments = t.of_kind("Deployment")
    for pdb in t.of_kind("PodDisruptionBudget"):
        selector = pdb.get("spec", {}).get("selector", {}).get("matchLabels", {})
        matched = [d for d in deployments if selects(selector, pod_labels(d))]
        if not matched:
            t.error(pdb, f"selector {selector} matches no Deployment's pods")
        min_available = pdb["spec"].get("minAvailable")
        if isinstance(min_available, int):
            total_min = sum(min_replicas(t, d) for d in matched)
            if matched and min_available >= total_min:
                t.error(pdb, f"minAvailable {min_available} >= the {total_min} replica(s) it can run with:"
                             " it would block every node drain")


def check_hpas(t):
    for hpa in t.of_kind("HorizontalPodAutoscaler"):
        ref = hpa["spec"].get("scaleTargetRef", {})
        target = t.named(ref.get("kind", ""), ref.get("name", ""))
        if target is None:
            t.error(hpa, f"scaleTargetRef {ref.get('kind')}/{ref.get('name')} is not rendered")
            continue
        if hpa["spec"].get("minReplicas", 1) > hpa["spec"].get("maxReplicas", 0):
            t.error(hpa, "minReplicas > maxReplicas")
        for m in hpa["spec"].get("metrics", []):
            res = m.get("resource", {})
            if m.get("type") == "Resource" and res.get("target", {}).get("type") == "Utilization":
                for c in pod_spec(target).get("containers", []):
                    if res.get("name") not in c.get("resources", {}).get("requests", {}):
                        t.error(hpa, f"utilization of {res.get('name')} needs a request in container {c.get('name')}")


def check_scaled_objects(t):
    auths = {o["metadata"]["name"] for o in t.of_kind("TriggerAuthentication")}
    hpa_targets = {h["spec"]["scaleTargetRef"].get("name") for h in t.of_kind("HorizontalPodAutoscaler")}
    for so in t.of_kind("ScaledObject"):
        ref = so["spec"].get("scaleTargetRef", {})
        kind = ref.get("kind", "Deployment")
        target = t.named(kind, ref.get("name", ""))
        if target is None:
            t.error(so, f"scaleTargetRef {kind}/{ref.get('name')} is not rendered")
        else:
            if "replicas" in target["spec"]:
                t.error(so, f"{kind}/{ref['name']} sets spec.replicas, which would fight KEDA on every apply")
            if ref.get("name") in hpa_targets:
                t.error(so, f"{kind}/{ref['name']} is also the target of a HorizontalPodAutoscaler")
        if so["spec"].get("minReplicaCount", 0) > so["spec"].get("maxReplicaCount", 100):
            t.error(so, "minReplicaCount > maxReplicaCount")
        for trig in so["spec"].get("triggers", []):
            auth = trig.get("authenticationRef", {}).get("name")
            if auth and auth not in auths:
                t.error(so, f"authenticationRef {auth!r} is not a rendered TriggerAuthentication")
            if trig.get("type") == "rabbitmq":
                queue = trig.get("metadata", {}).get("queueName")
                if queue not in WORK_QUEUES:
                    t.error(so, f"rabbitmq trigger queue {queue!r} is not a work queue {sorted(WORK_QUEUES)}")
                channels = env_value(target, "NOTIFYHUB_WORKER_CHANNELS") if target else None
                if target and channels and queue and queue.split(".")[2] not in channels.split(","):
                    t.error(so, f"scales on {queue} but its Deployment consumes {channels!r}")
                if not auth and "host" not in trig.get("metadata", {}):
                    t.error(so, "rabbitmq trigger without host or authenticationRef")
    for ta in t.of_kind("TriggerAuthentication"):
        for ref in ta["spec"].get("secretTargetRef", []):
            if ref.get("name") not in EXTERNAL_SECRETS:
                t.error(ta, f"secretTargetRef Secret {ref.get('name')!r} is not a documented hand-made Secret")


def env_value(deployment, name):
    for c in pod_spec(deployment).get("containers", []):
        for e in c.get("env", []):
            if e.get("name") == name:
                return e.get("value")
    return None


def check_notifyhub(t):
    workers = [d for d in t.of_kind("Deployment")
               if d["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "worker-service"]
    consumed = []
    for w in workers:
        channels = env_value(w, "NOTIFYHUB_WORKER_CHANNELS")
        if not channels:
            t.error(w, "worker without NOTIFYHUB_WORKER_CHANNELS")
            continue
        for ch in channels.split(","):
            if ch not in CHANNELS:
                t.error(w, f"unknown channel {ch!r}")
            consumed.append(ch)
        grace = pod_spec(w).get("terminationGracePeriodSeconds", 30)
        if grace <= SPRING_SHUTDOWN_PHASE_SECONDS:
            t.error(w, f"terminationGracePeriodSeconds {grace} does not exceed Spring's"
                       f" {SPRING_SHUTDOWN_PHASE_SECONDS}s shutdown phase")
    if workers:
        for ch in sorted(CHANNELS):
            if consumed.count(ch) != 1:
                t.error(None, f"channel {ch!r} is consumed by {consumed.count(ch)} worker Deployment(s), expected 1")
    api = t.named("Deployment", "api-service")
    if api:
        for c in pod_spec(api).get("containers", []):
            if not c.get("lifecycle", {}).get("preStop"):
                t.error(api, "no preStop hook: endpoints may still route to a stopping pod")
            for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
                port = (c.get(probe_name) or {}).get("httpGet", {}).get("port")
                resolved = next((p["containerPort"] for p in container_ports(c)
                                 if p.get("name") == port or p.get("containerPort") == port), None)
                if resolved != 9080:
                    t.error(api, f"{probe_name} is not on the management port 9080")


def check_service_monitors(t):
    services = t.of_kind("Service")
    clusters = {o["metadata"]["name"] for o in t.of_kind("RabbitmqCluster")}
    for sm in t.of_kind("ServiceMonitor"):
        selector = sm["spec"].get("selector", {}).get("matchLabels", {})
        matched = [s for s in services if selects(selector, s["metadata"].get("labels", {}))]
        operator_made = selector.get("app.kubernetes.io/component") == "rabbitmq" and \
            selector.get("app.kubernetes.io/name") in clusters
        if not matched and not operator_made:
            t.error(sm, f"selector {selector} matches no rendered Service (nor a RabbitmqCluster's)")
        for ep in sm["spec"].get("endpoints", []):
            for s in matched:
                if ep.get("port") not in {p.get("name") for p in s["spec"].get("ports", [])}:
                    t.error(sm, f"endpoint port {ep.get('port')!r} is not a port name of Service/{s['metadata']['name']}")
            if not ep.get("path", "").startswith("/"):
                t.error(sm, f"endpoint path {ep.get('path')!r} is not absolute")


def check_prometheus_rules(t, promtool_results):
    for pr in t.of_kind("PrometheusRule"):
        groups = pr.get("spec", {}).get("groups")
        if not isinstance(groups, list) or not groups:
            t.error(pr, "spec.groups is empty")
            continue
        names = [g.get("name") for g in groups]
        if None in names or len(set(names)) != len(names):
            t.error(pr, f"group names must be unique and set: {names}")
        for g in groups:
            for r in g.get("rules") or []:
                if ("record" in r) == ("alert" in r) or not r.get("expr"):
                    t.error(pr, f"group {g.get('name')}: a rule needs exactly one of record/alert and an expr: {r}")
        if shutil.which("promtool"):
            key = json.dumps(pr["spec"], sort_keys=True)
            if key not in promtool_results:
                with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
                    yaml.safe_dump(pr["spec"], f)
                run = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
                os.unlink(f.name)
                promtool_results[key] = (run.returncode, (run.stdout + run.stderr).strip())
            code, output = promtool_results[key]
            if code != 0:
                t.error(pr, f"promtool check rules failed:\n{output}")


def check_operator_objects(t):
    for rc in t.of_kind("RabbitmqCluster"):
        replicas = rc["spec"].get("replicas", 1)
        if replicas < 3 or replicas % 2 == 0:
            t.error(rc, f"replicas {replicas}: quorum queues need an odd number of nodes, 3 or more")
        if "rabbitmq_prometheus" not in rc["spec"].get("rabbitmq", {}).get("additionalPlugins", []):
            t.error(rc, "rabbitmq_prometheus is not in spec.rabbitmq.additionalPlugins")
    for m in t.of_kind("MongoDBCommunity"):
        spec = m["spec"]
        if spec.get("type") != "ReplicaSet" or spec.get("members", 0) < 3 or spec.get("members", 0) % 2 == 0:
            t.error(m, "must be a ReplicaSet of an odd number of members, 3 or more")
        if not spec.get("version"):
            t.error(m, "no version")
        for u in spec.get("users", []):
            secret = u.get("passwordSecretRef", {}).get("name")
            if secret not in EXTERNAL_SECRETS:
                t.error(m, f"user {u.get('name')}: password Secret {secret!r} is not a documented hand-made Secret")


def check_configmaps(t):
    for cm in t.of_kind("ConfigMap"):
        addresses = (cm.get("data") or {}).get("RABBITMQ_ADDRESSES")
        if addresses is None:
            continue
        for address in addresses.split(","):
            host, _, port = address.strip().rpartition(":")
            if not host or not port.isdigit():
                t.error(cm, f"RABBITMQ_ADDRESSES entry {address!r} is not host:port")


def check_core_only(t):
    for o in t.objects:
        group = o.get("apiVersion", "").split("/")[0]
        if group in OPERATOR_GROUPS:
            t.error(o, f"the base must not need an operator ({OPERATOR_GROUPS[group]})")


def main(argv):
    json_out = None
    if argv[:1] == ["--json-out"]:
        json_out, argv = argv[1], argv[2:]
    print("checks:")
    for c in CHECKS:
        print(f"  - {c}")
    problems = []
    promtool_results = {}
    for path in argv:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            objects = [o for o in yaml.safe_load_all(f) if o]
        if json_out:
            with open(os.path.join(json_out, name + ".json"), "w") as f:
                json.dump(objects, f)
        t = Target(name, objects)
        checks = [check_metadata, check_deployments, check_services, check_pdbs, check_hpas,
                  check_scaled_objects, check_notifyhub, check_service_monitors, check_operator_objects,
                  check_configmaps, lambda target: check_prometheus_rules(target, promtool_results)]
        if name == "base":
            checks.append(check_core_only)
        for check in checks:
            try:
                check(t)
            except (KeyError, TypeError, AttributeError, ValueError) as e:
                # Malformed input (a missing field, a wrong type): the schema step says more.
                t.error(None, f"{getattr(check, '__name__', 'check')} could not read an object:"
                              f" {type(e).__name__}: {e}")
        kinds = {}
        for o in objects:
            kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
        operators = sorted({OPERATOR_GROUPS[g] for g in (o["apiVersion"].split("/")[0] for o in objects)
                            if g in OPERATOR_GROUPS})
        print(f"{name}: {len(objects)} objects ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))});"
              f" operators needed: {', '.join(operators) or 'none'};"
              f" {'OK' if not t.problems else f'{len(t.problems)} problem(s)'}")
        problems += t.problems
    if promtool_results:
        print("  promtool check rules: " + ("passed" if all(c == 0 for c, _ in promtool_results.values())
                                            else "FAILED"))
    else:
        print("  promtool: not installed, rule expressions not checked (apt-get install prometheus)")
    for p in problems:
        print(f"  PROBLEM {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
