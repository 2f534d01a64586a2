#!/usr/bin/env bash
# tfrun start: four producers writing 50,000 lines each as fast as they
# can; every line arrives exactly once, whole, in per-producer order.
. "$(dirname "$0")/lib.sh"

C=$TF_CHILD
N=50000
cat >Procfile <<EOF2
p1: $C flood:$N:p1
p2: $C flood:$N:p2
p3: $C flood:$N:p3
p4: $C flood:$N:p4
EOF2
tfrun start --can-die p1,p2,p3,p4 >out.txt 2>err.txt
assert_eq "all producers ended: exit 0" 0 "$?"

# Every producer line must be "TIME pK.1 | pK I PADDING", with I running
# 1..N without gaps or repeats; anything else is a torn or mixed line.
report=$(awk -v n="$N" '
	/ system +\| / { next }
	{
		if (match($0, /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] (p[1-4])\.1 +\| (p[1-4]) ([0-9]+) [.]+$/) == 0) {
			bad++; if (bad < 5) print "malformed: " substr($0, 1, 120); next
		}
		split($0, f, " "); label = f[2]; sub(/\.1$/, "", label)
		if (label != f[4]) { bad++; print "mixed: " substr($0, 1, 120); next }
		want = seen[label] + 1
		if (f[5] != want) { bad++; if (bad < 5) print label " expected " want " got " f[5] }
		seen[label] = f[5]
	}
	END {
		for (i = 1; i <= 4; i++) if (seen["p" i] != n) { bad++; print "p" i " ended at " seen["p" i] }
		print "bad=" bad + 0
	}' out.txt)
assert_eq "every line once, whole, in order" "bad=0" "$(tail -n 1 <<<"$report")"
[ "$(tail -n 1 <<<"$report")" = "bad=0" ] || printf '%s\n' "$report" | head -20
assert_eq "line count" $((4 * N)) "$(grep -cvE ' system +\| ' out.txt)"
assert_eq "nothing on stderr" "" "$(cat err.txt)"

finish
