#!/usr/bin/env bash
# tfrun export: what it writes and what it leaves alone (SPEC section 10).
# Existing files are kept without --force; --force replaces them and
# removes the files tfrun wrote earlier for the same app and format that
# the new formation no longer has, and nothing else (a foreign
# webhook.service for app web survives); nothing is written when anything
# is wrong; option errors exit 2, app and value errors exit 1; the
# inherited environment never reaches the files; the install commands are
# printed.
. "$(dirname "$0")/lib.sh"

mkdir web && cd web || exit 1
cat >Procfile <<'EOF'
web: exec sleep 1000
worker: exec sleep 1001
EOF
printf 'GREETING=hello\nSECRET_TOKEN=t0k\n' >.env
O=$T/out

# sums DIR: a listing of every file under DIR with its checksum and mode.
sums() {
	(cd "$1" && find . -type f -exec stat -c '%a %n' {} + | sort &&
		find . -type f -exec sha1sum {} + | sort)
}

# --- a first export writes, prints the install commands
TF_ENV=("LEAK_SENTINEL=inherited-value-7f3a")
tf export systemd "$O" -m web=3
TF_ENV=()
assert_eq "systemd: exit 0" 0 "$RC"
assert_eq "systemd: nothing on stderr" "" "$ERR"
assert_eq "systemd: the target and 4 services" \
	"web-web.1.service web-web.2.service web-web.3.service web-worker.1.service web.target" \
	"$(cd "$O" && echo *)"
assert_match "systemd: says what it wrote" "^wrote 5 files for app web in $O \\(systemd\\)\$" "$OUT"
assert_match "systemd: prints the enable command" '^systemctl enable --now web\.target$' "$OUT"
assert_match "systemd: prints the copy command" "^cp '$O/web\\.target' .* /etc/systemd/system/\$" "$OUT"
assert_no_match "the inherited environment is not exported" 'LEAK_SENTINEL|inherited-value' "$(cat "$O"/*)"
assert_match "the env files' variables are" '^Environment="GREETING=hello"$' "$(cat "$O/web-web.1.service")"
assert_eq "no temporary file is left" "" "$(find "$O" -name '.tfrun-export*')"
first=$(sums "$O")

# --- without --force nothing is replaced, and nothing written
tf export systemd "$O" -m web=1
assert_eq "again without --force: exit 1" 1 "$RC"
assert_match "again: names an existing file" "^tfrun: export: $O/web\\.target exists \\(--force replaces it\\)\$" "$ERR"
assert_match "again: says nothing was written" '^tfrun: export: nothing written$' "$ERR"
assert_eq "again: the files are as they were" "$first" "$(sums "$O")"

# --- --force keeps what tfrun did not write
printf '[Unit]\nDescription=a foreign unit\n' >"$O/webhook.service"
printf '[Unit]\nDescription=not tfrun\n' >"$O/web-admin.service"
printf 'notes\n' >"$O/web-notes.txt"
(cd .. && mkdir -p webhook && cd webhook && printf 'hook: exec sleep 1\n' >Procfile &&
	"${CLEAN_ENV[@]}" "$TFRUN" export systemd "$O" >/dev/null)
assert_eq "app webhook exported next to app web" 0 "$?"
cp "$O/web-worker.1.service" "$T/runit-header.service"
sed -i '1s/export systemd for app web/export runit for app web/' "$T/runit-header.service"
cp "$T/runit-header.service" "$O/web-other.1.service"
foreign=$(sums "$O" | grep -E 'webhook|web-admin|web-notes|web-other')

tf export systemd "$O" -m web=1 --force
assert_eq "--force: exit 0" 0 "$RC"
assert_match "--force: removes web.2" "^removed $O/web-web\\.2\\.service\$" "$OUT"
assert_match "--force: removes web.3" "^removed $O/web-web\\.3\\.service\$" "$OUT"
assert_eq "--force: tfrun's stale files are gone, the rest stays" \
	"web-admin.service web-notes.txt web-other.1.service web-web.1.service web-worker.1.service web.target webhook-hook.1.service webhook.service webhook.target" \
	"$(cd "$O" && echo *)"
assert_eq "--force: foreign files and other apps' files are untouched" "$foreign" \
	"$(sums "$O" | grep -E 'webhook|web-admin|web-notes|web-other')"
assert_match "--force: web.target wants web.1 only" '^Wants=web-web\.1\.service$' "$(cat "$O/web.target")"
assert_no_match "--force: web.target wants no stale unit" 'web-web\.[23]' "$(cat "$O/web.target")"

# --- runit: env/ holds exactly the exported variables
R=$T/runit
tf export runit "$R" -m web=2,worker=0
assert_eq "runit: exit 0" 0 "$RC"
assert_eq "runit: env/ of web-1" "GREETING PORT PS SECRET_TOKEN" "$(cd "$R/web-web-1/env" && echo *)"
assert_eq "runit: env/ files are private" "600" "$(stat -c %a "$R/web-web-1/env/GREETING")"
assert_eq "runit: env/.tfrun lists what tfrun wrote" "GREETING PORT PS SECRET_TOKEN" "$(sed 1d "$R/web-web-1/env/.tfrun" | sort | tr '\n' ' ' | sed 's/ $//')"
mkdir "$R/web-web-2/supervise"   # as runsv leaves it
# A variable added by hand, as runit users do, is not tfrun's.
echo s3cret >"$R/web-web-1/env/MANUAL_SECRET"
printf 'GREETING=hello\n' >.env
tf export runit "$R" -m web=1,worker=0
assert_eq "runit again without --force: exit 1" 1 "$RC"
assert_match "runit again: names the stale variable" "^tfrun: export: $R/web-web-1/env/SECRET_TOKEN exists and would be passed to the process \\(--force removes it\\)\$" "$ERR"
assert_eq "runit again: the variable is still there" "t0k" "$(cat "$R/web-web-1/env/SECRET_TOKEN")"
assert_no_match "runit again: the file added by hand is no conflict" 'MANUAL_SECRET' "$ERR"
tf export runit "$R" -m web=1,worker=0 --force
assert_eq "runit --force: exit 0" 0 "$RC"
assert_eq "runit --force: the removed variable is gone, the one added by hand stays" "GREETING MANUAL_SECRET PORT PS" "$(cd "$R/web-web-1/env" && echo *)"
assert_no_match "runit --force: the hand-made file is not removed" 'MANUAL_SECRET' "$OUT"
assert_eq "runit --force: web-2's files are gone, runsv's supervise/ stays" "supervise" \
	"$(cd "$R/web-web-2" && echo *)"
assert_match "runit --force: prints the removal" "^removed $R/web-web-2/run\$" "$OUT"

# --- nothing is written when a value cannot be carried
printf 'GREETING=hello\nQUOTES=it'"'"'s "both"\n' >.env
tf export supervisord "$T/sv"
assert_eq "a value supervisord cannot carry: exit 1" 1 "$RC"
assert_match "names the key" "^tfrun: export: supervisord: the value of QUOTES holds both ' and \"" "$ERR"
assert_no_match "does not show the value" 'both"' "$ERR"
assert_eq "nothing written: no DIR" "no" "$([ -e "$T/sv" ] && echo yes || echo no)"
printf 'a.b=1\n' >.env
tf export kubernetes "$T/k8s" --image example/web
assert_eq "a key kubernetes cannot pass: exit 1" 1 "$RC"
assert_match "names the key" '^tfrun: export: kubernetes: env key a\.b cannot be passed' "$ERR"
assert_eq "nothing written: no DIR" "no" "$([ -e "$T/k8s" ] && echo yes || echo no)"
printf 'GREETING=hello\n' >.env

: >"$T/a-file"
tf export systemd "$T/a-file"
assert_eq "DIR is a file: exit 1" 1 "$RC"
assert_match "DIR is a file: says so" "^tfrun: export: $T/a-file is not a directory\$" "$ERR"

# --- option and app errors
tf export kubernetes "$T/k8s"
assert_eq "kubernetes without --image: exit 2" 2 "$RC"
assert_match "names --image" '--image' "$ERR"
tf export kubernetes "$T/k8s" --image example/web --user deploy
assert_eq "kubernetes with a user name: exit 2" 2 "$RC"
assert_match "names --user" "^tfrun: export: --user 'deploy': kubernetes runs as a numeric uid" "$ERR"
tf export systemd "$T/sd" --app 'my app'
assert_eq "a bad --app: exit 2" 2 "$RC"
assert_match "names --app" "^tfrun: export: --app 'my app': " "$ERR"
tf export systemd "$T/sd" --user 'a b'
assert_eq "a bad --user: exit 2" 2 "$RC"
assert_eq "nothing written after option errors" "no" "$([ -e "$T/k8s" ] || [ -e "$T/sd" ] && echo yes || echo no)"
mkdir "$T/my app" && cp Procfile "$T/my app/"
tf export systemd "$T/sd" -d "$T/my app"
assert_eq "a root whose name is no app name: exit 1" 1 "$RC"
assert_match "says to use --app" "'my app', the root's directory name.*--app NAME" "$ERR"
tf export systemd "$T/sd" -d "$T/my app" --app myapp --user www-data
assert_eq "... with --app: exit 0" 0 "$RC"
assert_match "--user is written" '^User=www-data$' "$(cat "$T/sd/myapp-web.1.service")"
assert_match "the absolute root is written" "^WorkingDirectory=$T/my app\$" "$(cat "$T/sd/myapp-web.1.service")"

# --- help
tf help export
assert_eq "help export: exit 0" 0 "$RC"
for w in systemd supervisord runit kubernetes --app --user --image --force; do
	assert_match "help export names $w" "$w" "$OUT"
done

finish
