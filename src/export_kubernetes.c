/*
 * export_kubernetes.c: APP.yaml, one stream: a ConfigMap for the plain
 * values, a Secret for the values whose key looks secret, then a
 * Deployment per type (a Job per one-shot type).
 *
 * Quoting: every string is a YAML double-quoted scalar (so "5000", "yes"
 * and "null" stay strings): backslash and double quote escaped, control
 * characters and what YAML 1.1 reads as line breaks (U+0085, U+2028,
 * U+2029) or refuses (U+0080-U+009F, U+FEFF, U+FFFE, U+FFFF) as escapes.
 * Kubernetes expands $(VAR) in a container's command, so there every '$'
 * before '$' or '(' is doubled. ConfigMap values must be UTF-8; Secret
 * values are base64, so they carry any byte. envFrom passes the values
 * without expanding them. Variable names must be C identifiers, which is
 * what every Kubernetes version accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "dotenv.h"
#include "export.h"
#include "sig.h"
#include "xmalloc.h"

#define KUBERNETES "kubernetes"
#define K8S_LABEL_MAX 63

/* Appends s as a YAML double-quoted scalar. */
static void
k8s_str(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	buf_addc(b, '"');
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p++);
		} else if (*p == '\n') {
			buf_adds(b, "\\n");
			p++;
		} else if (*p == '\t') {
			buf_adds(b, "\\t");
			p++;
		} else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02X", *p++);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf_printf(b, "\\u%04X", p[1]);
			p += 2;
		} else if (*p == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9)) {
			buf_printf(b, "\\u%04X", 0x2000 | (p[2] & 0x3f));
			p += 3;
		} else if (*p == 0xef && ((p[1] == 0xbb && p[2] == 0xbf) ||
		    (p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)))) {
			cp = 0xf000 | ((unsigned)(p[1] & 0x3f) << 6) |
			    (p[2] & 0x3f);
			buf_printf(b, "\\u%04X", cp);
			p += 3;
		} else
			buf_addc(b, (char)*p++);
	}
	buf_addc(b, '"');
}

/* Appends s with each '$' before '$' or '(' doubled, as a YAML scalar. */
static void
k8s_command(struct buf *b, const char *s)
{
	struct buf e = BUF_INIT;

	buf_adds(&e, "");
	for (; *s != '\0'; s++) {
		if (*s == '$' && (s[1] == '$' || s[1] == '('))
			buf_addc(&e, '$');
		buf_addc(&e, *s);
	}
	k8s_str(b, e.data);
	buf_free(&e);
}

/* Appends the base64 of s. */
static void
k8s_base64(struct buf *b, const char *s)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i;
	unsigned v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		buf_addc(b, digits[v >> 18]);
		buf_addc(b, digits[(v >> 12) & 63]);
		buf_addc(b, digits[(v >> 6) & 63]);
		buf_addc(b, digits[v & 63]);
	}
	if (len - i == 1) {
		v = (unsigned)p[i] << 16;
		buf_addc(b, digits[v >> 18]);
		buf_addc(b, digits[(v >> 12) & 63]);
		buf_adds(b, "==");
	} else if (len - i == 2) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		buf_addc(b, digits[v >> 18]);
		buf_addc(b, digits[(v >> 12) & 63]);
		buf_addc(b, digits[(v >> 6) & 63]);
		buf_addc(b, '=');
	}
}

/* Tells whether key ends with suffix, ignoring case. */
static int
k8s_ends(const char *key, const char *suffix)
{
	size_t k = strlen(key), s = strlen(suffix);

	return k >= s && strcasecmp(key + k - s, suffix) == 0;
}

/*
 * Tells whether a key looks secret (SPEC section 10): *_KEY, *_SECRET,
 * *_TOKEN, *PASSWORD*, DATABASE_URL, in any case.
 */
static int
k8s_secret(const char *key)
{
	size_t i, len = strlen(key);

	for (i = 0; i + 8 <= len; i++) {
		if (strncasecmp(key + i, "PASSWORD", 8) == 0)
			return 1;
	}
	return k8s_ends(key, "_KEY") || k8s_ends(key, "_SECRET") ||
	    k8s_ends(key, "_TOKEN") || strcasecmp(key, "DATABASE_URL") == 0;
}

/*
 * Maps a name to DNS-1123 ("web_worker" to "web-worker"): lower case, '_'
 * as '-'. Returns the allocated name, or NULL when the result is not a
 * label (it would start or end with '-').
 */
static char *
k8s_dns(const char *name)
{
	char *out = xstrdup(name), *p;
	size_t len = strlen(out);

	for (p = out; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == '_')
			*p = '-';
	}
	if (len == 0 || out[0] == '-' || out[len - 1] == '-') {
		free(out);
		return NULL;
	}
	return out;
}

/* The names of one export, mapped once. */
struct k8s_names {
	char *app;
	char **types; /* one per type; NULL when not mappable */
	size_t ntypes;
};

/* Frees the mapped names. */
static void
k8s_names_free(struct k8s_names *n)
{
	size_t i;

	free(n->app);
	for (i = 0; i < n->ntypes; i++)
		free(n->types[i]);
	free(n->types);
}

/* Maps the names and checks them; adds a line per problem. */
static void
k8s_check(const struct export_model *m, struct k8s_names *names,
    struct buf *errs)
{
	const struct export_type *t;
	size_t i, j;

	names->app = k8s_dns(m->app);
	names->ntypes = m->ntypes;
	names->types = xcalloc(m->ntypes > 0 ? m->ntypes : 1,
	    sizeof *names->types);
	if (names->app == NULL)
		export_error(errs, KUBERNETES, "app name %s does not map to "
		    "a DNS-1123 name (use --app)", m->app);
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		names->types[i] = k8s_dns(t->name);
		if (names->types[i] == NULL) {
			export_error(errs, KUBERNETES, "process type %s does "
			    "not map to a DNS-1123 name: it would start or end "
			    "with '-'", t->name);
			continue;
		}
		if (names->app != NULL && strlen(names->app) + 1 +
		    strlen(names->types[i]) > K8S_LABEL_MAX)
			export_error(errs, KUBERNETES, "%s-%s is longer than "
			    "63 characters, the limit of a Kubernetes name "
			    "(use a shorter --app)", names->app,
			    names->types[i]);
		for (j = 0; j < i; j++) {
			if (names->types[j] != NULL &&
			    strcmp(names->types[j], names->types[i]) == 0)
				export_error(errs, KUBERNETES, "process types "
				    "%s and %s both map to the name %s",
				    m->types[j].name, t->name, names->types[i]);
		}
		if (!export_utf8_valid(t->command))
			export_error(errs, KUBERNETES, "the command of %s is "
			    "not UTF-8, which YAML cannot hold", t->name);
	}
	for (i = 0; i < m->nvars; i++) {
		if (!dotenv_shell_key(m->vars[i].key))
			export_error(errs, KUBERNETES, "env key %s cannot be "
			    "passed: Kubernetes takes names of letters, "
			    "digits and '_' not starting with a digit",
			    m->vars[i].key);
		else if (!k8s_secret(m->vars[i].key) &&
		    !export_utf8_valid(m->vars[i].value))
			export_error(errs, KUBERNETES, "the value of %s is not "
			    "UTF-8, which a ConfigMap cannot hold (a Secret "
			    "can: name it like *_SECRET)", m->vars[i].key);
	}
	if (m->image == NULL || !export_utf8_valid(m->image))
		export_error(errs, KUBERNETES, "--image IMAGE is required");
}

/* Appends the labels of the app (and of a type, unless type is NULL). */
static void
k8s_labels(struct buf *b, const char *indent, const struct k8s_names *n,
    const char *type)
{
	buf_printf(b, "%sapp.kubernetes.io/name: ", indent);
	k8s_str(b, n->app);
	if (type != NULL) {
		buf_printf(b, "\n%sapp.kubernetes.io/component: ", indent);
		k8s_str(b, type);
	}
	buf_printf(b, "\n%sapp.kubernetes.io/managed-by: \"tfrun\"\n", indent);
}

/* Appends a document's apiVersion, kind and metadata. */
static void
k8s_meta(struct buf *b, const char *api, const char *kind,
    const struct k8s_names *n, const char *name, const char *type)
{
	buf_printf(b, "apiVersion: \"%s\"\nkind: \"%s\"\nmetadata:\n"
	    "  name: ", api, kind);
	k8s_str(b, name);
	buf_adds(b, "\n  labels:\n");
	k8s_labels(b, "    ", n, type);
}

/* Appends the ConfigMap (secret 0) or the Secret (1), if it has data. */
static int
k8s_data(struct buf *b, const struct export_model *m,
    const struct k8s_names *n, int secret)
{
	struct buf name = BUF_INIT;
	size_t i;
	int any = 0;

	for (i = 0; i < m->nvars; i++) {
		if (k8s_secret(m->vars[i].key) != secret)
			continue;
		if (!any) {
			buf_printf(&name, "%s-%s", n->app,
			    secret ? "secret" : "env");
			buf_adds(b, "---\n");
			k8s_meta(b, "v1", secret ? "Secret" : "ConfigMap", n,
			    name.data, NULL);
			if (secret)
				buf_adds(b, "type: \"Opaque\"\n");
			buf_adds(b, "data:\n");
		}
		any = 1;
		buf_adds(b, "  ");
		k8s_str(b, m->vars[i].key);
		buf_adds(b, ": ");
		if (secret) {
			buf_addc(b, '"');
			k8s_base64(b, m->vars[i].value);
			buf_addc(b, '"');
		} else
			k8s_str(b, m->vars[i].value);
		buf_addc(b, '\n');
	}
	buf_free(&name);
	return any;
}

/* Tells whether a probe's host is the pod itself, which kubelet probes. */
static int
k8s_local(const char *host)
{
	return host == NULL || *host == '\0' ||
	    strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0 ||
	    strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "0.0.0.0") == 0;
}

/* Appends a readinessProbe at indent 10, if the probe has an equivalent. */
static void
k8s_probe(struct buf *b, const struct export_type *t)
{
	const struct export_probe *p = &t->pod_ready;
	uint64_t period = export_seconds(t->ready_interval_ms);

	if (p->kind == EXPORT_PROBE_NONE || p->kind == EXPORT_PROBE_LOG)
		return;
	buf_adds(b, "          readinessProbe:\n");
	switch (p->kind) {
	case EXPORT_PROBE_HTTP:
		buf_adds(b, "            httpGet:\n              path: ");
		k8s_str(b, p->path);
		buf_printf(b, "\n              port: %ld\n", p->port);
		break;
	case EXPORT_PROBE_TCP:
		buf_printf(b, "            tcpSocket:\n              port: %ld\n",
		    p->port);
		break;
	default:
		buf_adds(b, "            exec:\n              command:\n"
		    "                - \"/bin/sh\"\n                - \"-c\"\n"
		    "                - ");
		/* kubelet expands $(VAR) in a probe's command too. */
		k8s_command(b, p->arg);
		buf_addc(b, '\n');
		break;
	}
	if (p->kind != EXPORT_PROBE_EXEC && !k8s_local(p->host)) {
		buf_adds(b, "              host: ");
		k8s_str(b, p->host);
		buf_addc(b, '\n');
	}
	buf_printf(b, "            periodSeconds: %llu\n",
	    (unsigned long long)(period > 0 ? period : 1));
}

/* Appends the comments on what the target cannot carry for a type. */
static void
k8s_notes(struct buf *b, const struct export_model *m,
    const struct export_type *t)
{
	size_t i;

	for (i = 0; i < t->nafter; i++)
		buf_printf(b, "# %s: after = %s:%s is not carried: Kubernetes "
		    "starts workloads independently.\n", t->name,
		    m->types[t->after[i].type].name,
		    export_cond_name(t->after[i].cond));
	if (t->pod_ready.kind == EXPORT_PROBE_LOG)
		buf_printf(b, "# %s: ready = %s has no Kubernetes equivalent: "
		    "no readinessProbe.\n", t->name, t->pod_ready.spec != NULL ?
		    t->pod_ready.spec : "log:");
	if (t->stop_signal != 15)
		buf_printf(b, "# %s: stop_signal %s is not carried: Kubernetes "
		    "sends SIGTERM.\n", t->name, sig_name(t->stop_signal));
	if (t->oneshot)
		buf_printf(b, "# %s: a one-shot, so a Job; a Job's template "
		    "cannot change: delete it before applying a new one.\n",
		    t->name);
}

/* Appends the pod template of a Deployment or Job (indent 4). */
static void
k8s_pod(struct buf *b, const struct export_model *m,
    const struct k8s_names *n, const struct export_type *t, size_t i,
    int config, int secret)
{
	buf_adds(b, "    metadata:\n      labels:\n");
	k8s_labels(b, "        ", n, n->types[i]);
	buf_adds(b, "    spec:\n");
	if (t->oneshot)
		buf_printf(b, "      restartPolicy: \"%s\"\n",
		    t->restart == CONFIG_RESTART_NEVER ? "Never" : "OnFailure");
	buf_printf(b, "      terminationGracePeriodSeconds: %llu\n",
	    (unsigned long long)export_seconds(t->timeout_ms));
	if (m->user != NULL)
		buf_printf(b, "      securityContext:\n        runAsUser: %s\n",
		    m->user);
	buf_adds(b, "      containers:\n        - name: ");
	k8s_str(b, n->types[i]);
	buf_adds(b, "\n          image: ");
	k8s_str(b, m->image);
	buf_adds(b, "\n          command:\n            - \"/bin/sh\"\n"
	    "            - \"-c\"\n            - ");
	k8s_command(b, t->command);
	buf_printf(b, "\n          env:\n            - name: \"PORT\"\n"
	    "              value: \"%ld\"\n            - name: \"PS\"\n"
	    "              value: ", t->instances != NULL && t->count > 0 ?
	    t->instances[0].port : 0);
	k8s_str(b, t->name);
	buf_addc(b, '\n');
	if (config || secret)
		buf_adds(b, "          envFrom:\n");
	if (config)
		buf_printf(b, "            - configMapRef:\n                "
		    "name: \"%s-env\"\n", n->app);
	if (secret)
		buf_printf(b, "            - secretRef:\n                "
		    "name: \"%s-secret\"\n", n->app);
	if (strcmp(t->name, "web") == 0 && t->count > 0)
		buf_printf(b, "          ports:\n            - containerPort: "
		    "%ld\n", t->instances[0].port);
	k8s_probe(b, t);
}

/* Renders APP.yaml. */
static int
k8s_render(const struct export_model *m, struct export_files *files,
    char **cause)
{
	struct buf errs = BUF_INIT, b = BUF_INIT, name = BUF_INIT;
	struct k8s_names n;
	const struct export_type *t;
	size_t i;
	int config, secret;

	memset(&n, 0, sizeof n);
	k8s_check(m, &n, &errs);
	if (errs.len > 0) {
		k8s_names_free(&n);
		return export_finish(&errs, files, cause);
	}

	export_header(&b, KUBERNETES, m->app);
	buf_adds(&b, "\n# The containers run the Procfile commands with /bin/sh -c "
	    "in the image's\n# working directory (not in the app root).\n");
	config = k8s_data(&b, m, &n, 0);
	secret = k8s_data(&b, m, &n, 1);
	for (i = 0; i < m->ntypes; i++) {
		t = &m->types[i];
		buf_reset(&name);
		buf_printf(&name, "%s-%s", n.app, n.types[i]);
		if (t->oneshot && t->count == 0)
			continue;
		buf_adds(&b, "---\n");
		k8s_notes(&b, m, t);
		if (t->oneshot) {
			k8s_meta(&b, "batch/v1", "Job", &n, name.data,
			    n.types[i]);
			buf_printf(&b, "spec:\n  completions: %ld\n  parallelism: "
			    "%ld\n  backoffLimit: %d\n  template:\n", t->count,
			    t->count, t->restart == CONFIG_RESTART_NEVER ? 0 : 10);
		} else {
			k8s_meta(&b, "apps/v1", "Deployment", &n, name.data,
			    n.types[i]);
			buf_printf(&b, "spec:\n  replicas: %ld\n  selector:\n"
			    "    matchLabels:\n", t->count);
			k8s_labels(&b, "      ", &n, n.types[i]);
			buf_adds(&b, "  template:\n");
		}
		k8s_pod(&b, m, &n, t, i, config, secret);
	}
	buf_reset(&name);
	buf_printf(&name, "%s.yaml", m->app);
	/* The Secret's values are only base64: the file stays private. */
	export_files_add(files, name.data, 0600, &b);
	buf_free(&name);
	k8s_names_free(&n);
	return export_finish(&errs, files, cause);
}

/* Appends the command that applies the file. */
static void
k8s_install(const struct export_model *m, const struct export_files *files,
    const char *dir, struct buf *b)
{
	buf_adds(b, "kubectl apply -f");
	export_install_paths(b, files, dir, 0);
	buf_addc(b, '\n');
}

const struct export_backend export_kubernetes = {
	KUBERNETES, 0, k8s_render, k8s_install
};
