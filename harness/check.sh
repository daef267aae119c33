#!/bin/bash
# make check: setup, build, boot, run the tests, report TAP.
#   TESTS="a b"  run only these (names from the selftest Makefile's
#                TEST_GEN_PROGS or harness/guest/tests.d/NAME.sh)
#   DEBUG=1      use the debug config (build/obj-debug)
#   ACCEL=kvm    use KVM instead of TCG
#   EXTRA_TESTS_DIR=dir  also put dir/*.sh in the guest as tests (ad hoc
#                debugging scripts that are not part of the repository)
#   NO_DEBUG=1   skip the debug-kernel stage of a full run
#   NO_CLIENTS=1 skip the clients stage of a full run
#
# A full run (no TESTS, DEBUG or STOCK) has three stages, reported as one TAP
# stream: every test on the default kernel; the client tests (crun, runc,
# containerd's CRI, podman, LXC, systemd, cgroup-tools in a Debian 12 root with systemd as PID 1: harness/clients.sh,
# `make clients`) on the same kernel; then the tests marked "debug" in
# harness/tests.conf on the debug kernel (lockdep, KASAN, KFENCE, kmemleak;
# build/obj-debug), named debug/NAME, ending with a kmemleak scan.
# CHECK_PART=1 (internal): build and run only, leave the results for the
# caller to report.
. "$(dirname "$0")/lib/common.sh"

# one `make check` per build variant at a time: they share the log files
exec 7>"$LOGS/.check.lock"
flock -n 7 || { log "another make check (${VARIANT}) is running here; waiting"; flock 7; }

t0=$SECONDS
"$HARNESS_DIR/deps.sh"
"$HARNESS_DIR/prepare-tree.sh"
"$HARNESS_DIR/build.sh"
tb=$((SECONDS - t0))

# the test list: every selftest program + harness/guest/tests.d/*.sh
mapfile -t all < <({ for f in "$HARNESS_DIR"/guest/tests.d/*.sh ${EXTRA_TESTS_DIR:+"$EXTRA_TESTS_DIR"/*.sh}; do [[ -e $f ]] && basename "$f" .sh; done; cat "$ART/selftests.list"; })
excl=$ART/excluded.tsv
: >"$excl"
if [[ -n ${TESTS:-} ]]; then
	read -r -a sel <<<"${TESTS//,/ }"
	for t in "${sel[@]}"; do
		printf '%s\n' "${all[@]}" | grep -qx -- "$t" || die "unknown test '$t'; known: ${all[*]}"
	done
else
	sel=("${all[@]}")
fi
# harness/tests.conf: "exclude NAME REASON" (default runs only) and
# "retry NAME ATTEMPTS REASON"
retry=()
debug_tests=()
debug_only=()
while read -r kw name rest; do
	case "$kw" in
	'' | \#*) ;;
	exclude) [[ -n ${TESTS:-} ]] || printf '%s\t%s\n' "$name" "$rest" >>"$excl" ;;
	retry) retry+=("$name:${rest%% *}") ;;
	debug) debug_tests+=("$name") ;;
	debugonly) debug_only+=("$name") ;;
	*) die "harness/tests.conf: unknown keyword '$kw'" ;;
	esac
done <"$HARNESS_DIR/tests.conf"
if [[ -z ${TESTS:-} ]]; then
	keep=()
	for t in "${sel[@]}"; do
		printf '%s\n' "${debug_only[@]}" | grep -qx -- "$t" || keep+=("$t")
	done
	sel=("${keep[@]}")
fi
run=()
for t in "${sel[@]}"; do
	cut -f1 "$excl" | grep -qx -- "$t" || run+=("$t")
done
log "tests: ${sel[*]}"
list=$(IFS=,; echo "${run[*]}")

"$HARNESS_DIR/run-vm.sh" check "$list" "$(IFS=,; echo "${retry[*]}")"
tv=$((SECONDS - t0 - tb))
[[ -z ${CHECK_PART:-} ]] || exit 0

results=$LOGS/check-results.log
consoles="=$LOGS/check-console.log"
parts=1
timing="build+setup ${tb}s, VM ${tv}s"
full=0
[[ -z ${TESTS:-} && $DEBUG != 1 && $STOCK != 1 ]] && full=1
if ((full)) && [[ ${NO_CLIENTS:-0} != 1 ]]; then
	t1=$SECONDS
	# a failed stage must not leave the previous run's results behind
	rm -f "$LOGS/clients-results.log" "$LOGS/clients-console.log"
	"$HARNESS_DIR/clients.sh" >/dev/null ||
		log "clients stage failed (logs: ${LOGS#"$ROOT"/}/clients-*.log)"
	touch "$LOGS/clients-results.log" "$LOGS/clients-console.log"
	results=$LOGS/check-results-all.log
	cat "$LOGS/check-results.log" "$LOGS/clients-results.log" >"$results.tmp"
	mv "$results.tmp" "$results"
	# the names: the "all=" list of the guest's runner
	read -r -a ct <<<"$(sed -n 's/^all="\(.*\)"$/\1/p' "$HARNESS_DIR/guest/clients/run-clients.sh")"
	((${#ct[@]})) || die "no client test names in harness/guest/clients/run-clients.sh"
	sel+=("${ct[@]}")
	consoles+=" clients=$LOGS/clients-console.log"
	parts=$((parts + 1))
	timing+=", clients stage $((SECONDS - t1))s"
fi
if ((full)) && [[ ${NO_DEBUG:-0} != 1 ]]; then
	# the debug-kernel stage; its logs are in build/logs/debug/
	t1=$SECONDS
	dl="${debug_tests[*]} ${debug_only[*]}"
	log "debug kernel stage: $dl"
	dlogs=$LOGS/debug
	mkdir -p "$dlogs"
	# a failed stage must not leave the previous run's results behind
	rm -f "$dlogs/check-results.log" "$dlogs/check-console.log"
	CHECK_PART=1 DEBUG=1 TESTS="$dl" "$HARNESS_DIR/check.sh" ||
		log "debug kernel stage failed (build or VM; logs: ${dlogs#"$ROOT"/}/)"
	touch "$dlogs/check-results.log" "$dlogs/check-console.log"
	{
		cat "$results"
		sed -e 's/^### \(BEGIN\|END\) /&debug\//' -e 's/^### HARNESS: /&[debug kernel] /' \
			"$dlogs/check-results.log"
	} >"$LOGS/check-results-all.log.tmp"
	results=$LOGS/check-results-all.log
	mv "$results.tmp" "$results"
	for t in "${debug_tests[@]}" "${debug_only[@]}"; do sel+=("debug/$t"); done
	consoles+=" debug=$dlogs/check-console.log"
	parts=$((parts + 1))
	timing+=", debug stage $((SECONDS - t1))s"
fi

rc=0
awk -f "$HARNESS_DIR/lib/report.awk" -v tests="${sel[*]}" -v excluded_file="$excl" \
	-v known_file="$HARNESS_DIR/known-issues.txt" -v consoles="$consoles" -v parts="$parts" \
	-v patterns="$HARNESS_DIR/lib/bad-kernel-log.ere" \
	-v timeout_s="${TEST_TIMEOUT:-600}" \
	"$results" >"$LOGS/check.tap" || rc=$?
{
	echo "# kernel package: $KPKG $(kernel_pkg_version); $timing"
	echo "# logs: ${LOGS#"$ROOT"/}/ (check.tap, check-console.log, check-results.log, kernel-build-$VARIANT.log)"
} >&2
cat "$LOGS/check.tap"
exit $rc
