#!/usr/bin/env bash
# tfrun env: PORT and PS per instance; tricky .env values survive the trip
# .env -> process, and .env -> `tfrun env` -> .env -> process, byte for
# byte; precedence of env files over the real environment (and of
# --no-env-override), of later files; the output is sorted.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD

# child_env VAR TFRUN-ARGS...: what tf-child, run by `tfrun run`, sees of
# VAR: "VAR=value\n" or "VAR unset\n", trailing newlines kept.
child_env() {
	local var=$1
	shift
	tfrun run "$@" -- "$C" "env:$var" 2>&1
	printf x
}

# --- PORT and PS per instance
cat >Procfile <<EOF
web: $C env:PORT
worker: $C env:PS
EOF
tf env web.2 -p 6000 -m web=2
assert_eq "web.2: exit 0" 0 "$RC"
assert_match "web.2: PORT=6001" '^PORT="?6001"?$' "$OUT"
assert_match "web.2: PS=web.2" '^PS="?web\.2"?$' "$OUT"
assert_eq "web.2: one PORT line" 1 "$(grep -c '^PORT=' "$T/.stdout")"
assert_eq "web.2: one PS line" 1 "$(grep -c '^PS=' "$T/.stdout")"
tf env -p 6000 worker.3
assert_match "worker.3: PORT=6102" '^PORT="?6102"?$' "$OUT"
assert_match "worker.3: PS=worker.3" '^PS="?worker\.3"?$' "$OUT"
tf env --port-step 10 worker.2
assert_match "--port-step 10: worker.2 on 5011" '^PORT="?5011"?$' "$OUT"
tf env -p 6000 web
assert_eq "a bare type: exit 0" 0 "$RC"
assert_match "a bare type: its first instance's PORT" '^PORT="?6000"?$' "$OUT"
assert_match "a bare type: PS=web.1" '^PS="?web\.1"?$' "$OUT"
tf env worker
assert_match "worker: PORT 5100" '^PORT="?5100"?$' "$OUT"
tf env
assert_eq "no NAME: exit 0" 0 "$RC"
assert_match "no NAME: PORT is the base port" '^PORT="?5000"?$' "$OUT"
assert_match "no NAME: PS=run.1" '^PS="?run\.1"?$' "$OUT"
assert_eq "no NAME: nothing on stderr" "" "$ERR"
assert_match "inherited variables included" "^HOME=\"?$T\"?\$" "$OUT"
for name in nope nope.1 web.0; do
	tf env "$name"
	assert_eq "env $name: exit 1" 1 "$RC"
	assert_eq "env $name: nothing on stdout" "" "$OUT"
	assert_match "env $name: an error naming it" "^tfrun: .*$name" "$ERR"
done

# env NAME checks only the port NAME uses; PWD is the root, as the process
# gets it.
tf env -p 65500 web
assert_eq "env web -p 65500 while worker would be above 65535: exit 0" 0 "$RC"
assert_match "env web -p 65500: PORT" '^PORT="?65500"?$' "$OUT"
tf env -p 65500 worker
assert_eq "env worker -p 65500: its own port is above 65535" 1 "$RC"
assert_match "env worker -p 65500: says so" '^tfrun: env: .worker.*65535' "$ERR"
mkdir -p sub
(cd sub && "${CLEAN_ENV[@]}" PWD="$T/sub" "$TFRUN" env -d .. web) >pwd.txt 2>&1
assert_match "env NAME: PWD is the root" "^PWD=\"?$(pwd -P)\"?\$" "$(cat pwd.txt)"
rm -r sub pwd.txt

# PORT and PS override everything, the real environment included.
printf 'PS=from-file\nPORT=7000\n' >.env
TF_ENV=(PS=from-real-env)
tf env web.2
assert_match "PORT from .env is the base: web.2 on 7001" '^PORT="?7001"?$' "$OUT"
assert_match "PS overrides the real env" '^PS="?web\.2"?$' "$OUT"
TF_ENV=()
rm .env

# An invalid env file prints no environment.
printf 'GOOD=1\nBAD KEY=2\n' >.env
tf env
assert_eq "invalid .env: exit 1" 1 "$RC"
assert_eq "invalid .env: nothing on stdout" "" "$OUT"
assert_match "invalid .env: reported" '^tfrun: \.env:2: ' "$ERR"
rm .env

# --- tricky values: .env -> process
# Each entry: KEY, then the exact value the process must see.
keys=() vals=()
want() { keys+=("$1"); vals+=("$2"); }

cat >.env <<'EOF'
# tricky values for the round trip
PLAIN=hello
INNER=   a b   c   
SP_SQ='  lead and trail  '
SP_DQ="  two  "
DQ_IN_SQ='say "hi"'
SQ_IN_DQ="it's"
BOTH="she said \"it's\" and 'x'"
DOLLAR_SQ='$HOME and ${PLAIN} $'
DOLLAR_DQ="cost \$5 and $"
DOLLAR_UNQ=50$ a$ $1x
HASH_UNQ=a#b
HASH_SQ='# not a comment'
HASH_DQ="x # y" # a real comment
HASH_CMT=value # a comment
BS_SQ='C:\path\to\'
BS_DQ="a\\b\\"
BS_UNQ=a\b\
BS_OTHER="keep \x41 and \q"
NL_ESC="line1\nline2"
NL_REAL="first
second"
NL_TRAIL="ends\n"
NL_SQ='a
b'
TAB_ESC="a\tb"
CR_ESC="a\rb"
UTF8=héllo wörld ✓ 日本語
UTF8_DQ="emoji 🎉 ünïcödé"
EMPTY=
EMPTY_SQ=''
EMPTY_DQ=""
EXP_DEF=${UNSET_ONE:-dflt}
EXP_DEF_EMPTY=${EMPTY:-was empty}
EXP_DASH=${EMPTY-unset only}
EXP_UNSET_DASH=${UNSET_TWO-unset only}
EXP_REF="${PLAIN} world"
EXP_BARE=$PLAIN/x
EXP_UNDEF=[$UNDEFINED_THING]
EXP_NESTED=${UNSET_THREE:-$PLAIN-nested}
EQUALS=a=b=c
BACKTICK='`echo hi`'
SUBST=$(echo no)
export EXPORTED=yes
COLON: yaml style
SPACED_EQ = around
DUP=first
DUP=second
dot.key=dotted
dash-key=dashed
EOF
printf 'TAB_RAW="a\tb"\nTAB_UNQ=x\ty\nCRLF_LINE=crlf\r\n' >>.env

want PLAIN 'hello'
want INNER 'a b   c'
want SP_SQ '  lead and trail  '
want SP_DQ '  two  '
want DQ_IN_SQ 'say "hi"'
want SQ_IN_DQ "it's"
want BOTH "she said \"it's\" and 'x'"
want DOLLAR_SQ '$HOME and ${PLAIN} $'
want DOLLAR_DQ 'cost $5 and $'
want DOLLAR_UNQ '50$ a$ $1x'
want HASH_UNQ 'a#b'
want HASH_SQ '# not a comment'
want HASH_DQ 'x # y'
want HASH_CMT 'value'
want BS_SQ 'C:\path\to\'
want BS_DQ 'a\b\'
want BS_UNQ 'a\b\'
want BS_OTHER 'keep \x41 and \q'
want NL_ESC $'line1\nline2'
want NL_REAL $'first\nsecond'
want NL_TRAIL $'ends\n'
want NL_SQ $'a\nb'
want TAB_ESC $'a\tb'
want CR_ESC $'a\rb'
want UTF8 'héllo wörld ✓ 日本語'
want UTF8_DQ 'emoji 🎉 ünïcödé'
want EMPTY ''
want EMPTY_SQ ''
want EMPTY_DQ ''
want EXP_DEF 'dflt'
want EXP_DEF_EMPTY 'was empty'
want EXP_DASH ''
want EXP_UNSET_DASH 'unset only'
want EXP_REF 'hello world'
want EXP_BARE 'hello/x'
want EXP_UNDEF '[]'
want EXP_NESTED 'hello-nested'
want EQUALS 'a=b=c'
want BACKTICK '`echo hi`'
want SUBST '$(echo no)'
want EXPORTED 'yes'
want COLON 'yaml style'
want SPACED_EQ 'around'
want DUP 'second'
want dot.key 'dotted'
want dash-key 'dashed'
want TAB_RAW $'a\tb'
want TAB_UNQ $'x\ty'
want CRLF_LINE 'crlf'

tf check
assert_eq "the tricky .env is valid" 0 "$RC"

# check_values LABEL TFRUN-ARGS...: every key reaches tf-child as wanted.
check_values() {
	local label=$1 i bad=0
	shift
	for i in "${!keys[@]}"; do
		got=$(child_env "${keys[$i]}" "$@")
		if [ "$got" != "${keys[$i]}=${vals[$i]}"$'\n'x ]; then
			bad=$((bad + 1))
			assert_eq "$label: ${keys[$i]}" "${keys[$i]}=${vals[$i]}"$'\n'x "$got"
		fi
	done
	assert_eq "$label: all ${#keys[@]} values byte for byte" 0 "$bad"
}
check_values ".env -> process"

# --- tfrun env -> file -> read back
tfrun env >out.env 2>err.txt
assert_eq "env > out.env: exit 0" 0 "$?"
assert_eq "env > out.env: nothing on stderr" "" "$(cat err.txt)"
check_values "out.env -> process" -e out.env
tfrun env -e out.env >out2.env
assert_eq "env -e out.env: exit 0" 0 "$?"
if cmp -s out.env out2.env; then
	pass "env of out.env is out.env, byte for byte"
else
	fail "env of out.env is out.env, byte for byte"
	diff out.env out2.env | head -20
fi

# With an empty real environment every value comes from the file.
env -i "$TFRUN" env -e out.env >out3.env 2>err.txt
assert_eq "env -i env -e out.env: exit 0" 0 "$?"
if cmp -s out.env out3.env; then
	pass "env -i: env of out.env is out.env, byte for byte"
else
	fail "env -i: env of out.env is out.env, byte for byte"
	diff out.env out3.env | head -20
fi
bad=0
for i in "${!keys[@]}"; do
	got=$(env -i "$TFRUN" run -e out.env -- "$C" "env:${keys[$i]}" 2>&1; printf x)
	if [ "$got" != "${keys[$i]}=${vals[$i]}"$'\n'x ]; then
		bad=$((bad + 1))
		assert_eq "env -i run -e out.env: ${keys[$i]}" "${keys[$i]}=${vals[$i]}"$'\n'x "$got"
	fi
done
assert_eq "env -i run -e out.env: all values byte for byte" 0 "$bad"
got=$(env -i "$TFRUN" run -e out.env -- "$C" env:HOME; printf x)
assert_eq "env -i: HOME came back from out.env" "HOME=$T"$'\n'x "$got"

# A value from the real environment with every kind of byte round-trips too.
weird=$'  sp "dq" \'sq\' $HOME ${X} \\ \\n #c\ttab\rcr\nnl ü\\'
TF_ENV=("WEIRD=$weird")
tfrun env >out4.env
TF_ENV=()
got=$(child_env WEIRD -e out4.env)
assert_eq "a real env value round-trips" "WEIRD=$weird"$'\n'x "$got"
got=$(env -i "$TFRUN" run -e out4.env -- "$C" env:WEIRD; printf x)
assert_eq "a real env value round-trips (env -i)" "WEIRD=$weird"$'\n'x "$got"

# A name .env cannot hold is shown as a comment, not as a broken line.
TF_ENV=("BAD NAME=1")
tf env
assert_eq "a bad name in the real env: exit 0" 0 "$RC"
assert_no_match "a bad name is not written as KEY=VALUE" '^BAD NAME=' "$OUT"
assert_match "a bad name becomes a comment line" '^#' "$OUT"
tfrun env >out5.env
tfrun env -e out5.env >/dev/null 2>err.txt
assert_eq "the output with a comment still reads back" 0 "$?"
TF_ENV=()
rm -f out*.env err.txt

# --- sorted output
printf 'b=1\nB=2\na_1=3\nA=4\n_x=5\nZ=6\nzz=7\nM.n=8\n' >.env
tf env
keys_out=$(grep -v '^#' "$T/.stdout" | cut -d= -f1)
assert_eq "sorted by name" "$(printf '%s\n' "$keys_out" | LC_ALL=C sort)" "$keys_out"
assert_match "file keys are there" '^zz=7$' "$OUT"

# --- precedence
printf 'FOO=file\nNAME=file\nGREETING="hi $NAME"\nONLY_DEFAULT=1\n' >.env
printf 'FOO=a\nA_ONLY=a-only\n' >a.env
printf 'FOO=b\n' >b.env
assert_eq ".env alone" $'FOO=file\nx' "$(child_env FOO)"
TF_ENV=(FOO=real)
assert_eq ".env wins over the real env by default" $'FOO=file\nx' "$(child_env FOO)"
tf env
assert_match "tfrun env shows the file value" '^FOO="?file"?$' "$OUT"
assert_eq "the last -e file wins over the real env" $'FOO=b\nx' "$(child_env FOO -e a.env,b.env)"
assert_eq "--env-override (the default) is accepted" $'FOO=file\nx' "$(child_env FOO --env-override)"
assert_eq "--no-env-override: the real env wins" $'FOO=real\nx' "$(child_env FOO --no-env-override)"
assert_eq "--no-env-override: the real env wins over -e files" $'FOO=real\nx' \
	"$(child_env FOO --no-env-override -e a.env,b.env)"
assert_eq "the last of --env-override and --no-env-override counts" $'FOO=file\nx' \
	"$(child_env FOO --no-env-override --env-override)"
tf env --no-env-override
assert_match "tfrun env --no-env-override shows the real value" '^FOO="?real"?$' "$OUT"
TF_ENV=()
assert_eq "-e a,b: the later file wins" $'FOO=b\nx' "$(child_env FOO -e a.env,b.env)"
assert_eq "-e b -e a: the later file wins" $'FOO=a\nx' "$(child_env FOO -e b.env -e a.env)"
assert_eq "-e a,b: earlier keys kept" $'A_ONLY=a-only\nx' "$(child_env A_ONLY -e a.env,b.env)"
assert_eq "-e replaces the default .env" $'ONLY_DEFAULT unset\nx' "$(child_env ONLY_DEFAULT -e a.env)"
TF_ENV=(TFRUN_ENV=b.env)
assert_eq "TFRUN_ENV replaces the default .env" $'ONLY_DEFAULT unset\nx' "$(child_env ONLY_DEFAULT)"
assert_eq "TFRUN_ENV is read" $'FOO=b\nx' "$(child_env FOO)"
TF_ENV=()
assert_eq "expansion in the file" $'GREETING=hi file\nx' "$(child_env GREETING)"
TF_ENV=(NAME=real)
assert_eq "expansion sees the file's value, which won" $'GREETING=hi file\nx' "$(child_env GREETING)"
assert_eq "--no-env-override: expansion sees the real env value" $'GREETING=hi real\nx' \
	"$(child_env GREETING --no-env-override)"
TF_ENV=()
# An expansion in a later file sees the earlier file's value.
printf 'REF="from a: ${A_ONLY}"\n' >c.env
assert_eq "a later file expands an earlier file's key" $'REF=from a: a-only\nx' "$(child_env REF -e a.env,c.env)"

finish
