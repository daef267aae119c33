#!/bin/bash
# make check: setup, build, boot, run the tests, report TAP.
#   TESTS="a b"  run only these (names from the selftest Makefile's
#                TEST_GEN_PROGS or harness/guest/tests.d/NAME.sh)
#   DEBUG=1      use the debug config (build/obj-debug)
#   ACCEL=kvm    use KVM instead of TCG
#   EXTRA_TESTS_DIR=dir  also put dir/*.sh in the guest as tests (ad hoc
#                debugging scripts that are not part of the repository)
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
while read -r kw name rest; do
	case "$kw" in
	'' | \#*) ;;
	exclude) [[ -n ${TESTS:-} ]] || printf '%s\t%s\n' "$name" "$rest" >>"$excl" ;;
	retry) retry+=("$name:${rest%% *}") ;;
	*) die "harness/tests.conf: unknown keyword '$kw'" ;;
	esac
done <"$HARNESS_DIR/tests.conf"
run=()
for t in "${sel[@]}"; do
	cut -f1 "$excl" | grep -qx -- "$t" || run+=("$t")
done
log "tests: ${sel[*]}"
list=$(IFS=,; echo "${run[*]}")

"$HARNESS_DIR/run-vm.sh" check "$list" "$(IFS=,; echo "${retry[*]}")"
tv=$((SECONDS - t0 - tb))

rc=0
awk -f "$HARNESS_DIR/lib/report.awk" -v tests="${sel[*]}" -v excluded_file="$excl" \
	-v known_file="$HARNESS_DIR/known-issues.txt" -v console="$LOGS/check-console.log" \
	-v patterns="$HARNESS_DIR/lib/bad-kernel-log.ere" \
	-v timeout_s="${TEST_TIMEOUT:-600}" \
	"$LOGS/check-results.log" >"$LOGS/check.tap" || rc=$?
{
	echo "# kernel package: $KPKG $(kernel_pkg_version); build+setup ${tb}s, VM ${tv}s"
	echo "# logs: ${LOGS#"$ROOT"/}/ (check.tap, check-console.log, check-results.log, kernel-build-$VARIANT.log)"
} >&2
cat "$LOGS/check.tap"
exit $rc
