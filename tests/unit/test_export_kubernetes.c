/*
 * test_export_kubernetes.c: APP.yaml (SPEC section 10): the documents,
 * DNS-1123 names, ConfigMap and Secret, YAML quoting, $( escaping, ports,
 * grace periods, readiness probes, one-shot Jobs, and what Kubernetes
 * cannot carry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "test_export_fixture.h"

#define YAML "shop.yaml"

/* Renders the fixture and returns the YAML text (free files after). */
static const char *
yaml(const struct fx *f, struct export_files *files)
{
	fx_render(&export_kubernetes, f, files);
	assert_int_equal(files->n, 1);
	return files->v[0].data;
}

/*
 * Returns the document of that kind and name, from its apiVersion line to
 * the next "---" (the caller frees it).
 */
static char *
doc(const char *text, const char *kind, const char *name)
{
	char head[256], *start, *end;

	snprintf(head, sizeof head, "kind: \"%s\"\nmetadata:\n  name: \"%s\"\n",
	    kind, name);
	if ((start = strstr(text, head)) == NULL)
		fail_msg("no %s %s in:\n%s", kind, name, text);
	while (start > text && strncmp(start, "apiVersion:", 11) != 0)
		start--;
	end = strstr(start, "\n---\n");
	return strndup(start, end != NULL ? (size_t)(end - start) + 1 :
	    strlen(start));
}

/*
 * The stream: ConfigMap, Secret, a Deployment per type (replicas = the
 * count, 0 included), a Job per one-shot; the header comes first and the
 * file is private (the Secret is only base64).
 */
static void
test_documents(void **state)
{
	struct export_files files;
	const char *text;
	char *d;
	struct fx f;

	(void)state;
	fx_init(&f);
	text = yaml(&f, &files);
	assert_string_equal(files.v[0].path, YAML);
	assert_int_equal(files.v[0].mode, 0600);
	assert_true(export_header_match("kubernetes", "shop", text,
	    strlen(text)));
	d = doc(text, "Deployment", "shop-web");
	fx_contains(d, "apiVersion: \"apps/v1\"\n");
	fx_contains(d, "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n"
	    "      app.kubernetes.io/name: \"shop\"\n"
	    "      app.kubernetes.io/component: \"web\"\n"
	    "      app.kubernetes.io/managed-by: \"tfrun\"\n  template:\n"
	    "    metadata:\n      labels:\n"
	    "        app.kubernetes.io/name: \"shop\"\n"
	    "        app.kubernetes.io/component: \"web\"\n"
	    "        app.kubernetes.io/managed-by: \"tfrun\"\n");
	fx_contains(d, "      terminationGracePeriodSeconds: 3\n");
	fx_contains(d, "          image: \"registry.example/shop:1\"\n");
	fx_contains(d, "          env:\n            - name: \"PORT\"\n"
	    "              value: \"5000\"\n            - name: \"PS\"\n"
	    "              value: \"web\"\n");
	fx_contains(d, "          envFrom:\n            - configMapRef:\n"
	    "                name: \"shop-env\"\n            - secretRef:\n"
	    "                name: \"shop-secret\"\n");
	fx_contains(d, "          ports:\n            - containerPort: 5000\n");
	free(d);
	d = doc(text, "Deployment", "shop-worker");
	fx_contains(d, "  replicas: 1\n");
	fx_contains(d, "              value: \"5100\"\n");
	fx_contains(d, "      terminationGracePeriodSeconds: 5\n");
	assert_null(strstr(d, "containerPort"));
	free(d);
	d = doc(text, "Deployment", "shop-clock");
	fx_contains(d, "  replicas: 0\n");
	free(d);
	export_files_free(&files);
}

/* Secret-looking keys go to the Secret, base64; the rest to the map. */
static void
test_config_and_secret(void **state)
{
	struct export_files files;
	const char *text;
	char *cm, *secret;
	struct fx f;

	(void)state;
	fx_init(&f);
	f.m.nvars = 0;
	fx_var(&f, 0, "PLAIN", "x");
	fx_var(&f, 1, "API_KEY", "k3y");
	fx_var(&f, 2, "APP_SECRET", "ab");
	fx_var(&f, 3, "GITHUB_TOKEN", "abc");
	fx_var(&f, 4, "db_password", "");
	fx_var(&f, 5, "MY_PASSWORD_FILE", "f");
	fx_var(&f, 6, "DATABASE_URL", "postgres://u:p@h/db");
	fx_var(&f, 7, "KEYBOARD", "qwerty");
	fx_var(&f, 8, "TOKENS", "3");
	fx_var(&f, 9, "BINARY_SECRET", "\xff\xfe");
	text = yaml(&f, &files);
	cm = doc(text, "ConfigMap", "shop-env");
	secret = doc(text, "Secret", "shop-secret");
	fx_contains(cm, "data:\n  \"PLAIN\": \"x\"\n  \"KEYBOARD\": "
	    "\"qwerty\"\n  \"TOKENS\": \"3\"\n");
	fx_contains(secret, "type: \"Opaque\"\ndata:\n"
	    "  \"API_KEY\": \"azN5\"\n  \"APP_SECRET\": \"YWI=\"\n"
	    "  \"GITHUB_TOKEN\": \"YWJj\"\n  \"db_password\": \"\"\n"
	    "  \"MY_PASSWORD_FILE\": \"Zg==\"\n"
	    "  \"DATABASE_URL\": \"cG9zdGdyZXM6Ly91OnBAaC9kYg==\"\n"
	    "  \"BINARY_SECRET\": \"//4=\"\n");
	assert_null(strstr(cm, "API_KEY"));
	assert_null(strstr(secret, "PLAIN"));
	free(cm);
	free(secret);
	export_files_free(&files);

	/* Without secret-looking keys there is no Secret and no secretRef. */
	f.m.nvars = 1;
	text = yaml(&f, &files);
	assert_null(strstr(text, "kind: \"Secret\""));
	assert_null(strstr(text, "secretRef"));
	fx_contains(text, "configMapRef");
	export_files_free(&files);
}

/*
 * Every string is double-quoted; escapes for what YAML would change:
 * quotes, backslashes, control characters, the YAML 1.1 line breaks and
 * the characters YAML does not allow raw.
 */
static void
test_quoting(void **state)
{
	struct export_files files;
	const char *text;
	struct fx f;

	(void)state;
	fx_init(&f);
	f.m.nvars = 0;
	fx_var(&f, 0, "A", "say \"hi\" \\ it's");
	fx_var(&f, 1, "B", "line1\nline2\tx\x01\x7f");
	fx_var(&f, 2, "C", "nel\xc2\x85 ls\xe2\x80\xa8 ps\xe2\x80\xa9 "
	    "c1\xc2\x9f bom\xef\xbb\xbf ffff\xef\xbf\xbf");
	fx_var(&f, 3, "D", "caf\xc3\xa9 yes 5000 null ~ $(date) # x");
	fx_var(&f, 4, "E", "");
	text = yaml(&f, &files);
	fx_contains(text, "  \"A\": \"say \\\"hi\\\" \\\\ it's\"\n");
	fx_contains(text, "  \"B\": \"line1\\nline2\\tx\\x01\\x7F\"\n");
	fx_contains(text, "  \"C\": \"nel\\u0085 ls\\u2028 ps\\u2029 "
	    "c1\\u009F bom\\uFEFF ffff\\uFFFF\"\n");
	/* ConfigMap values reach the process through envFrom: unexpanded. */
	fx_contains(text, "  \"D\": \"caf\xc3\xa9 yes 5000 null ~ $(date) "
	    "# x\"\n");
	fx_contains(text, "  \"E\": \"\"\n");
	export_files_free(&files);
}

/*
 * Kubernetes expands $(VAR) in a container's command and reads "$$" as
 * "$": '$' before '$' or '(' is doubled there ("$$ " is "$$$ "), and
 * nowhere else.
 */
static void
test_command_dollar(void **state)
{
	struct export_files files;
	const char *text;
	struct fx f;

	(void)state;
	fx_init(&f);
	f.types[FX_CLOCK].command = "echo $$ $(date) $$( $HOME ${X} 5$";
	text = yaml(&f, &files);
	fx_contains(text, "          command:\n            - \"/bin/sh\"\n"
	    "            - \"-c\"\n            - \"exec sidekiq -q default; "
	    "echo \\\"$$(date)\\\"\"\n");
	fx_contains(text, "            - \"echo $$$ $$(date) $$$$( $HOME ${X} "
	    "5$\"\n");
	fx_contains(text, "            - \"bundle exec puma -p $PORT -C "
	    "'config/puma.rb' # 100%\"\n");
	export_files_free(&files);
}

/*
 * Names: lower case, '_' as '-'; what cannot map, what collides and what
 * is too long is refused, naming the type.
 */
static void
test_names(void **state)
{
	struct export_files files;
	const char *text;
	char *cause, long_app[64];
	struct fx f;

	(void)state;
	fx_init(&f);
	f.m.app = "My_Shop";
	f.types[FX_WORKER].name = "web_worker";
	text = yaml(&f, &files);
	fx_contains(text, "  name: \"my-shop-web-worker\"\n");
	fx_contains(text, "        - name: \"web-worker\"\n");
	fx_contains(text, "app.kubernetes.io/component: \"web-worker\"\n");
	fx_contains(text, "name: \"my-shop-env\"\n");
	/* PS keeps tfrun's type name. */
	fx_contains(text, "              value: \"web_worker\"\n");
	export_files_free(&files);

	f.types[FX_CLOCK].name = "Web-Worker";
	f.types[FX_RELEASE].name = "release_";
	cause = fx_render_fails(&export_kubernetes, &f);
	fx_contains(cause, "kubernetes: process types web_worker and "
	    "Web-Worker both map to the name web-worker");
	fx_contains(cause, "kubernetes: process type release_ does not map");
	free(cause);

	fx_init(&f);
	memset(long_app, 'a', 60);
	long_app[60] = '\0';
	f.m.app = long_app;
	cause = fx_render_fails(&export_kubernetes, &f);
	fx_contains(cause, "-worker is longer than 63 characters");
	free(cause);
}

/*
 * readinessProbe: http as httpGet and tcp as tcpSocket on the first
 * instance's port (the pod's own address unless another host is named),
 * exec as exec; a log: probe is a comment, never a probe.
 */
static void
test_probes(void **state)
{
	struct export_files files;
	const char *text;
	char *d;
	struct fx f;

	(void)state;
	fx_init(&f);
	text = yaml(&f, &files);
	d = doc(text, "Deployment", "shop-web");
	fx_contains(d, "          readinessProbe:\n            httpGet:\n"
	    "              path: \"/health\"\n              port: 5000\n"
	    "            periodSeconds: 1\n");
	assert_null(strstr(d, "host:"));
	free(d);
	export_files_free(&files);

	f.types[FX_WORKER].pod_ready.kind = EXPORT_PROBE_TCP;
	f.types[FX_WORKER].pod_ready.host = "redis";
	f.types[FX_WORKER].pod_ready.port = 6379;
	f.types[FX_WORKER].ready_interval_ms = 2100;
	f.types[FX_CLOCK].pod_ready.kind = EXPORT_PROBE_EXEC;
	f.types[FX_CLOCK].pod_ready.arg = "test -f /tmp/ok$$ -a \"$(PORT)\"";
	f.types[FX_WEB].pod_ready.kind = EXPORT_PROBE_LOG;
	f.types[FX_WEB].pod_ready.spec = "log:Listening on";
	text = yaml(&f, &files);
	d = doc(text, "Deployment", "shop-worker");
	fx_contains(d, "            tcpSocket:\n              port: 6379\n"
	    "              host: \"redis\"\n            periodSeconds: 3\n");
	free(d);
	d = doc(text, "Deployment", "shop-clock");
	fx_contains(d, "            exec:\n              command:\n"
	    "                - \"/bin/sh\"\n                - \"-c\"\n"
	    "                - \"test -f /tmp/ok$$$ -a \\\"$$(PORT)\\\"\"\n");
	free(d);
	d = doc(text, "Deployment", "shop-web");
	assert_null(strstr(d, "readinessProbe"));
	free(d);
	fx_contains(text, "# web: ready = log:Listening on has no Kubernetes "
	    "equivalent: no readinessProbe.\n");
	export_files_free(&files);
}

/*
 * A one-shot is a Job (restartPolicy from the policy); what Kubernetes
 * cannot carry (order, a stop signal other than SIGTERM) is a comment.
 */
static void
test_job_and_notes(void **state)
{
	struct export_files files;
	const char *text;
	char *d;
	struct fx f;

	(void)state;
	fx_init(&f);
	text = yaml(&f, &files);
	assert_null(strstr(text, "kind: \"Deployment\"\nmetadata:\n  name: "
	    "\"shop-release\""));
	d = doc(text, "Job", "shop-release");
	fx_contains(d, "apiVersion: \"batch/v1\"\n");
	fx_contains(d, "spec:\n  completions: 1\n  parallelism: 1\n"
	    "  backoffLimit: 0\n  template:\n");
	fx_contains(d, "      restartPolicy: \"Never\"\n");
	free(d);
	fx_contains(text, "# web: after = release:done is not carried: "
	    "Kubernetes starts workloads independently.\n");
	fx_contains(text, "# web: stop_signal SIGINT is not carried: "
	    "Kubernetes sends SIGTERM.\n");
	assert_null(strstr(text, "# worker: stop_signal"));
	export_files_free(&files);

	f.types[FX_RELEASE].restart = CONFIG_RESTART_ON_FAILURE;
	text = yaml(&f, &files);
	fx_contains(text, "      restartPolicy: \"OnFailure\"\n");
	fx_contains(text, "  backoffLimit: 10\n");
	export_files_free(&files);

	/* A one-shot with no instance is no Job. */
	f.types[FX_RELEASE].count = 0;
	text = yaml(&f, &files);
	assert_null(strstr(text, "kind: \"Job\""));
	export_files_free(&files);

	f.m.user = "1000";
	text = yaml(&f, &files);
	fx_contains(text, "      securityContext:\n        runAsUser: 1000\n");
	export_files_free(&files);
}

/*
 * Refused, naming the key: names that are not C identifiers, a plain
 * value that is not UTF-8 (a ConfigMap holds text), a command that is
 * not UTF-8; and a model without an image.
 */
static void
test_refused(void **state)
{
	struct fx f;
	char *cause;

	(void)state;
	fx_init(&f);
	fx_var(&f, f.m.nvars, "a.b", "x");
	fx_var(&f, f.m.nvars, "1X", "x");
	fx_var(&f, f.m.nvars, "LATIN1", "caf\xe9");
	f.types[FX_WORKER].command = "echo \xff";
	cause = fx_render_fails(&export_kubernetes, &f);
	fx_contains(cause, "kubernetes: env key a.b cannot be passed");
	fx_contains(cause, "kubernetes: env key 1X cannot be passed");
	fx_contains(cause, "kubernetes: the value of LATIN1 is not UTF-8");
	fx_contains(cause, "kubernetes: the command of worker is not UTF-8");
	free(cause);

	fx_init(&f);
	f.m.image = NULL;
	cause = fx_render_fails(&export_kubernetes, &f);
	fx_contains(cause, "--image IMAGE is required");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_config_and_secret),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_command_dollar),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_probes),
		cmocka_unit_test(test_job_and_notes),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
