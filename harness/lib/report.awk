# Merge the guest's framed TAP output into one TAP stream.
# Usage: awk -f report.awk -v tests="a b c" -v excluded_file=F -v known_file=K \
#            -v console=C -v patterns=P -v timeout_s=S RESULTS
# excluded_file: lines "name<TAB>reason" of tests not run (reported as SKIP)
# known_file:    harness/known-issues.txt ("binary subtest reason...")
# console:       guest console log, scanned for kernel warnings
# consoles:      instead of console, "label=path ..." for several VM boots
#                (one "kernel log clean (label)" result each)
# parts:         number of VM boots whose results are concatenated in
#                RESULTS (each ends with "### DONE"; default 1)
# patterns:      harness/lib/bad-kernel-log.ere (one extended regexp a line)
# Prints TAP; the last line is "N passed, N failed, N skipped". Exit 1 on
# any failure.
function add(t, res, name, directive) {
	k = ++nres[t]; R[t, k] = res; NM[t, k] = name; DIR[t, k] = directive
}
function diag(t, s) { ND[t]++; DG[t, ND[t]] = s }
function keep_output(t,    i) {
	for (i = 1; i <= outn; i++) diag(t, "  " out[i])
}
function emit(res, name, directive,    line) {
	total++
	line = res " " total " " name
	if (directive != "") line = line " # " directive
	print line
	if (directive ~ /^SKIP/) nskip++
	else if (res == "ok") npass++
	else nfail++
}
function finish_attempt(t, rc, secs,    i, summary) {
	if (ntap == 0) {
		if (rc == 0) add(t, "ok", t, "")
		else if (rc == 4) add(t, "ok", t, "SKIP exit status 4 (KSFT_SKIP): " lastline)
		else { add(t, "not ok", t, ""); failed = 1 }
	} else {
		if (plan > 0 && ntap < plan) {
			add(t, "not ok", t ": only " ntap " of " plan " planned results", ""); failed = 1
		}
		# a non-zero exit is explained by a failing subtest, also a known one
		if (rc != 0 && rc != 4 && !failed && !(rc == 1 && knownhit)) {
			add(t, "not ok", t ": exit status " rc, ""); failed = 1
		}
	}
	if (failed) keep_output(t)
	if (rc == 137 || rc == 143) diag(t, "killed (per-test timeout " timeout_s "s, or a signal), rc=" rc)
	else if (rc != 0) diag(t, "exit status " rc)
	diag(t, "attempt " attempt ": " secs "s")
	lastsummary[t] = ""
	if (failed) {
		summary = ""
		for (i = 1; i <= nres[t]; i++) if (R[t, i] == "not ok") summary = summary " [" NM[t, i] "]"
		lastsummary[t] = "attempt " attempt " failed:" summary "; "
	}
}
function check_console(title, cf,    l, bad, bootline, i) {
	bad = 0; bootline = ""
	while ((getline l < cf) > 0) {
		sub(/\r$/, "", l)
		if (l ~ pat) { bad++; if (bad <= 40) badlines[bad] = l }
		if (l ~ /Linux version/) bootline = l
	}
	close(cf)
	if (bootline == "") {
		emit("not ok", title ": no kernel boot messages in " cf, "")
	} else if (bad) {
		emit("not ok", title, "")
		for (i = 1; i <= bad && i <= 40; i++) print "#   " badlines[i]
		if (bad > 40) print "#   ... " bad - 40 " more"
	} else if (vmerr != "") {
		emit("not ok", title ": " vmerr, "")
	} else emit("ok", title, "")
}
BEGIN {
	n = split(tests, order, " ")
	while ((getline l < excluded_file) > 0) { split(l, f, "\t"); excluded[f[1]] = f[2] }
	while ((getline l < known_file) > 0) {
		if (l ~ /^[ \t]*(#|$)/) continue
		split(l, f, /[ \t]+/)
		r = l; sub(/^[ \t]*[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r)
		known[f[1] SUBSEP f[2]] = r
	}
	cur = ""
}
{ sub(/\r$/, "") }
/^### GUEST / { hdr = hdr "# guest kernel: " substr($0, 11) "\n"; next }
/^### CONTROLLERS/ { hdr = hdr "# cgroup controllers:" substr($0, 17) "\n"; next }
/^### ROOTFS/ { hdr = hdr "# guest root filesystem:" substr($0, 11) "\n"; next }
/^### HARNESS: / { vmerr = vmerr substr($0, 14) "; "; next }
/^### BEGIN / {
	cur = $3; attempt = $4; sub(/^attempt=/, "", attempt)
	started[cur] = 1; finished[cur] = 0
	if (attempt > 1) prevfail[cur] = prevfail[cur] lastsummary[cur]
	# a new attempt replaces the previous one's results
	nres[cur] = 0; ND[cur] = 0
	ntap = 0; plan = 0; failed = 0; knownhit = 0; outn = 0; lastline = ""
	next
}
/^### END / {
	t = $3; rc = $4; sub(/^rc=/, "", rc); secs = $5; sub(/^secs=/, "", secs)
	if (t == cur) { finished[t] = 1; finish_attempt(t, rc + 0, secs) }
	cur = ""; next
}
/^### DONE/ { done++; next }
cur == "" { next }
{
	if (outn < 400) out[++outn] = $0
	if ($0 != "") lastline = $0
}
/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
/^(not )?ok [0-9]+/ {
	res = ($1 == "ok") ? "ok" : "not ok"
	rest = $0; sub(/^(not )?ok [0-9]+[ \t]*(-[ \t]*)?/, "", rest)
	desc = rest; directive = ""
	if (match(rest, /[ \t]+#[ \t]*/)) {
		desc = substr(rest, 1, RSTART - 1); directive = substr(rest, RSTART + RLENGTH)
	}
	if (match(rest, /^#[ \t]*/)) { desc = ""; directive = substr(rest, RLENGTH + 1) }
	ntap++
	num = $0; sub(/^(not )?ok /, "", num); sub(/[^0-9].*/, "", num)
	name = cur "/" (desc != "" ? desc : num)
	if (directive ~ /^(SKIP|skip)/) {
		reason = directive; sub(/^(SKIP|skip)[ \t:]*/, "", reason)
		if (reason == "") reason = "(no reason given by the test)"
		directive = "SKIP " reason
	} else if (directive ~ /^(XFAIL|xfail)/) {
		res = "ok"
	} else {
		directive = ""
		if (res == "not ok") {
			k = known[cur SUBSEP desc]; if (k == "") k = known[cur SUBSEP num]
			if (k != "") { res = "ok"; directive = "SKIP known issue: " k; knownhit = 1 }
			else failed = 1
		}
	}
	add(cur, res, name, directive)
	next
}
END {
	print "TAP version 13"
	printf "%s", hdr
	for (i = 1; i <= n; i++) {
		t = order[i]
		if (t in excluded) { emit("ok", t, "SKIP " excluded[t]); continue }
		if (!started[t]) {
			emit("not ok", t ": not run" (vmerr != "" ? " (" vmerr ")" : " (VM crashed or timed out before it)"), "")
			continue
		}
		for (j = 1; j <= nres[t]; j++) emit(R[t, j], NM[t, j], DIR[t, j])
		if (!finished[t]) {
			emit("not ok", t ": did not finish" (vmerr != "" ? " (" vmerr ")" : " (VM crashed or timed out)"), "")
			keep_output_unfinished = 1
		}
		if (prevfail[t] != "") print "# " t ": retried; " prevfail[t]
		for (j = 1; j <= ND[t]; j++) print "# " t ": " DG[t, j]
		if (!finished[t] && t == cur) for (j = 1; j <= outn; j++) print "# " t ":   " out[j]
	}
	if (done < (parts ? parts : 1) && vmerr == "" && n > 0) vmerr = "guest never reported completion; "
	# kernel log check: one result per console; consoles = "label=path ..."
	# (several VM boots: default kernel, debug kernel, ...), else console
	pat = ""
	while ((getline l < patterns) > 0) if (l != "") pat = pat (pat == "" ? "" : "|") l
	if (consoles == "") consoles = "=" console
	nc = split(consoles, cl, " ")
	for (c = 1; c <= nc; c++) {
		label = cl[c]; sub(/=.*/, "", label)
		cf = cl[c]; sub(/^[^=]*=/, "", cf)
		check_console(label == "" ? "kernel log clean" : "kernel log clean (" label ")", cf)
	}
	print "1.." total
	print npass + 0 " passed, " nfail + 0 " failed, " nskip + 0 " skipped"
	exit (nfail > 0)
}
