#!/usr/bin/env bash
# tfrun export kubernetes, checked against the Kubernetes OpenAPI schema
# (npm kubernetes-models, as pinned in export/package-lock.json and
# installed by `make npm-deps`; kubectl cannot validate without a
# cluster): every document is valid, names are DNS-1123, selectors equal
# the pod labels, every value is a string; the secret-looking keys are in
# the Secret and the rest in the ConfigMap, each value byte for byte what
# `tfrun env` says; web's readinessProbe is an httpGet on its port; the
# one-shot release is a Job; commands survive Kubernetes' $(VAR) expansion.
. "$(dirname "$0")/lib.sh"
. "$TFRUN_SRC/tests/integration/export/app.sh"

NODE_PREFIX=${TFRUN_NODE_PREFIX:-}
if [ -z "$NODE_PREFIX" ] || [ ! -d "$NODE_PREFIX/node_modules/kubernetes-models" ]; then
	fail "kubernetes-models is installed in '$NODE_PREFIX' (run: make npm-deps)"
	finish
fi

make_app 18000
# web_worker checks the mapping to DNS-1123 names.
printf 'web_worker: exec sleep 100000\n' >>"$A/Procfile"
O=$T/k8s
tf export kubernetes "$O" -d "$A" -m "$FORMATION,web_worker=3" --image 'registry.example/shop:1.0'
assert_eq "export: exit 0" 0 "$RC"
assert_eq "export: nothing on stderr" "" "$ERR"
assert_eq "export: one file" "shop.yaml" "$(cd "$O" && echo *)"
assert_match "export: prints how to apply it" "^kubectl apply -f '$O/shop.yaml'\$" "$OUT"
assert_eq "export: the file is private (the Secret)" 600 "$(stat -c %a "$O/shop.yaml")"

node "$TFRUN_SRC/tests/integration/export/k8s-check.cjs" "$NODE_PREFIX" "$O/shop.yaml" \
	>"$T/docs.json" 2>"$T/check.err"
rc=$?
assert_eq "kubernetes-models: every document is valid, names, selectors, strings" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/    /' "$T/check.err"

tfrun env -d "$A" -m "$FORMATION" web.1 >"$T/env.web.1"
ENV_KEYS_LIST=$(IFS=,; echo "${ENV_KEYS[*]}")
out=$(python3 - "$T/docs.json" "$T/env.web.1" "$ENV_KEYS_LIST" "$A/Procfile" "$BASE" \
	"$TFRUN_SRC/tests/integration/export" <<'EOF'
import base64, json, sys
docs = json.load(open(sys.argv[1]))
keys = sys.argv[3].split(",")
base = int(sys.argv[5])
problems = []

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)

# tfrun env's .env syntax, decoded by envcmp.py.
sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, sys.argv[6])
from envcmp import tfrun_env
want = {k.decode(): v for k, v in tfrun_env(sys.argv[2]).items()}

by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
cm = by.get(("ConfigMap", "shop-env"), {}).get("data", {})
secret = by.get(("Secret", "shop-secret"), {}).get("data", {})
secret_keys = {"API_KEY", "DATABASE_URL"}
check(set(secret) == secret_keys, f"the Secret holds exactly {sorted(secret_keys)}: {sorted(secret)}")
check(set(cm) == set(keys) - secret_keys, "the ConfigMap holds every other key")
for k in keys:
    got = base64.b64decode(secret[k]) if k in secret else cm.get(k, "").encode()
    check(got == want.get(k), f"{k}: byte for byte what tfrun env says ({got!r})")

def container(kind, name):
    return by[(kind, name)]["spec"]["template"]["spec"]["containers"][0]

def env(c):
    return {e["name"]: e["value"] for e in c["env"]}

kinds = sorted(f"{k}/{n}" for k, n in by)
check(kinds == ["ConfigMap/shop-env", "Deployment/shop-web", "Deployment/shop-web-worker",
                "Deployment/shop-worker", "Job/shop-release", "Secret/shop-secret"], f"the documents: {kinds}")
web = by[("Deployment", "shop-web")]
check(web["spec"]["replicas"] == 2, "web: replicas 2")
check(by[("Deployment", "shop-worker")]["spec"]["replicas"] == 1, "worker: replicas 1")
check(by[("Deployment", "shop-web-worker")]["spec"]["replicas"] == 3, "web_worker: replicas 3, named web-worker")
check(container("Deployment", "shop-web-worker")["name"] == "web-worker", "web_worker: container web-worker")
check(env(container("Deployment", "shop-web-worker")) == {"PORT": str(base + 300), "PS": "web_worker"},
      "web_worker: PORT of its first instance, PS keeps tfrun's name")
c = container("Deployment", "shop-web")
check(env(c) == {"PORT": str(base), "PS": "web"}, f"web: PORT of web.1 and PS=web: {env(c)}")
check(c.get("ports") == [{"containerPort": base}], "web: containerPort of web.1")
check(c.get("readinessProbe", {}).get("httpGet") == {"path": "/", "port": base},
      f"web: readinessProbe httpGet / on web.1's port: {c.get('readinessProbe')}")
check(web["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 3,
      "web: terminationGracePeriodSeconds 3 (2.5 s rounded up)")
check({e.get("configMapRef", e.get("secretRef"))["name"] for e in c["envFrom"]} == {"shop-env", "shop-secret"},
      "web: envFrom the ConfigMap and the Secret")
check("ports" not in container("Deployment", "shop-worker"), "worker: no containerPort")
job = by[("Job", "shop-release")]
check(job["spec"]["template"]["spec"]["restartPolicy"] == "Never", "release: a Job that is not restarted")
check(env(container("Job", "shop-release")) == {"PORT": str(base + 200), "PS": "release"}, "release: PORT and PS")

# Kubernetes' own expansion of $(VAR) in a command (k8s.io expansion):
# "$$" is "$", "$(NAME)" a variable, anything else as written.
def k8s_expand(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "$" and i + 1 < len(s):
            if s[i + 1] == "$":
                out.append("$"); i += 2; continue
            if s[i + 1] == "(":
                j = s.find(")", i + 2)
                if j != -1:
                    out.append("<EXPANDED " + s[i + 2:j] + ">"); i = j + 1; continue
        out.append(s[i]); i += 1
    return "".join(out)

procfile = dict(l.split(": ", 1) for l in open(sys.argv[4]).read().splitlines())
for kind, name, t in [("Deployment", "shop-web", "web"), ("Deployment", "shop-worker", "worker"),
                      ("Job", "shop-release", "release")]:
    cmd = container(kind, name)["command"]
    check(cmd[:2] == ["/bin/sh", "-c"] and k8s_expand(cmd[2]) == procfile[t],
          f"{t}: the command reaches /bin/sh -c unchanged after $(VAR) expansion")
EOF
)
while IFS= read -r line; do
	case $line in
	"ok   "*) pass "${line#ok   }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	*) printf '%s\n' "$line" ;;
	esac
done <<<"$out"
assert_match "the file says a log: probe or the order has no equivalent" \
	'^# web: after = release:done is not carried' "$(cat "$O/shop.yaml")"
finish
