# Merge the guest's framed TAP output into one TAP stream.
# Usage: awk -f report.awk -v tests="a b c" -v excluded_file=F -v known_file=K \
#            -v console=C RESULTS
# excluded_file: lines "name<TAB>reason" of tests not run (reported as SKIP)
# known_file:    harness/known-issues.txt ("binary subtest reason...")
# console:       guest console log, scanned for kernel warnings
# Prints TAP; the last line is "N passed, N failed, N skipped".
function emit(res, name, directive,    line) {
	total++
	line = res " " total " " name
	if (directive != "")
		line = line " # " directive
	print line
	if (directive ~ /^(SKIP|skip)/) nskip++
	else if (res == "ok") npass++
	else nfail++
}
function flush_output(t,    i) {
	for (i = 1; i <= outn; i++)
		print "#   " t ": " out[i]
}
function finish_test(t, rc, secs,    why) {
	if (ntap[t] == 0) {
		if (rc == 0)
			emit("ok", t, "")
		else if (rc == 4)
			emit("ok", t, "SKIP exit status 4 (KSFT_SKIP): " lastline)
		else {
			emit("not ok", t, "")
			flush_output(t)
		}
	} else {
		if (plan[t] > 0 && ntap[t] < plan[t]) {
			emit("not ok", t ": only " ntap[t] " of " plan[t] " planned results", "")
			tfail[t]++
		}
		if (rc != 0 && rc != 4 && tfail[t] == 0) {
			emit("not ok", t ": exit status " rc, "")
			tfail[t]++
		}
		if (tfail[t] > 0)
			flush_output(t)
	}
	if (rc == 137 || rc == 143)
		print "# " t ": killed (timeout " (timeout_s ? timeout_s "s" : "") " or signal), rc=" rc
	else if (rc != 0)
		print "# " t ": exit status " rc
	print "# " t ": " secs "s"
}
BEGIN {
	print "TAP version 13"
	n = split(tests, order, " ")
	while ((getline l < excluded_file) > 0) {
		split(l, f, "\t"); excluded[f[1]] = f[2]
	}
	while ((getline l < known_file) > 0) {
		if (l ~ /^[ \t]*(#|$)/) continue
		split(l, f, /[ \t]+/)
		r = l; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r)
		known[f[1] SUBSEP f[2]] = r
	}
	cur = ""
}
{ sub(/\r$/, "") }
/^### GUEST / { print "# guest kernel: " substr($0, 11); next }
/^### CONTROLLERS/ { print "# cgroup controllers:" substr($0, 17); next }
/^### HARNESS: / { vmerr = vmerr substr($0, 14) "; "; next }
/^### BEGIN / {
	cur = $3; started[cur] = 1; ntap[cur] = 0; tfail[cur] = 0; plan[cur] = 0
	outn = 0; lastline = ""; next
}
/^### END / {
	t = $3; rc = $4; sub(/^rc=/, "", rc); secs = $5; sub(/^secs=/, "", secs)
	if (t == cur) { finished[t] = 1; finish_test(t, rc + 0, secs) }
	cur = ""; next
}
/^### DONE/ { done = 1; next }
cur == "" { next }
{
	if (outn < 400) out[++outn] = $0
	if ($0 != "") lastline = $0
}
/^1\.\.[0-9]+/ { plan[cur] = substr($1, 4) + 0; next }
/^(not )?ok [0-9]+/ {
	res = ($1 == "ok") ? "ok" : "not ok"
	rest = $0; sub(/^(not )?ok [0-9]+[ \t]*(-[ \t]*)?/, "", rest)
	desc = rest; directive = ""
	if (match(rest, /[ \t]*#[ \t]*/)) {
		desc = substr(rest, 1, RSTART - 1); directive = substr(rest, RSTART + RLENGTH)
	}
	if (match(rest, /^#[ \t]*/)) { desc = ""; directive = substr(rest, RLENGTH + 1) }
	ntap[cur]++
	num = $0; sub(/^(not )?ok /, "", num); sub(/[^0-9].*/, "", num)
	name = cur "/" (desc != "" ? desc : num)
	if (directive ~ /^(SKIP|skip)/) {
		reason = directive; sub(/^(SKIP|skip)[ \t:]*/, "", reason)
		if (reason == "") reason = "(no reason given by the test)"
		directive = "SKIP " reason
	} else if (directive ~ /^(XFAIL|xfail)/) {
		res = "ok"
	} else if (res == "not ok") {
		k = known[cur SUBSEP desc]; if (k == "") k = known[cur SUBSEP num]
		if (k != "") { res = "ok"; directive = "SKIP known issue: " k }
		else tfail[cur]++
	}
	emit(res, name, directive)
	next
}
END {
	for (i = 1; i <= n; i++) {
		t = order[i]
		if (t in excluded) emit("ok", t, "SKIP " excluded[t])
		else if (!started[t]) emit("not ok", t ": not run" (vmerr != "" ? " (" vmerr ")" : " (VM crashed or timed out before it)"), "")
		else if (!finished[t]) {
			emit("not ok", t ": did not finish" (vmerr != "" ? " (" vmerr ")" : " (VM crashed or timed out)"), "")
			flush_output(t)
		}
	}
	if (!done && vmerr == "" && n > 0) vmerr = "guest never reported completion; "
	# kernel log check
	bad = 0
	pat = "WARNING:|BUG:|BUG kmalloc|Oops|general protection fault|kernel BUG at|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN|KFENCE|UBSAN|Kernel panic|rcu_sched self-detected stall|rcu: INFO|blocked for more than|soft lockup|hard LOCKUP|unreferenced object|list_add corruption|list_del corruption"
	while ((getline l < console) > 0) {
		sub(/\r$/, "", l)
		if (l ~ pat) { bad++; if (bad <= 40) badlines[bad] = l }
		if (l ~ /^\[[ 0-9.]+\] Linux version/) bootline = l
	}
	if (bootline == "") {
		emit("not ok", "kernel log clean: no kernel boot messages in " console, "")
	} else if (bad) {
		emit("not ok", "kernel log clean", "")
		for (i = 1; i <= bad && i <= 40; i++) print "#   " badlines[i]
		if (bad > 40) print "#   ... " bad - 40 " more"
	} else if (vmerr != "") {
		emit("not ok", "kernel log clean: " vmerr, "")
	} else emit("ok", "kernel log clean", "")
	print "1.." total
	print npass + 0 " passed, " nfail + 0 " failed, " nskip + 0 " skipped"
	exit (nfail > 0)
}
