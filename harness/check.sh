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
#   VARIANT=NAME boot the VM as the `variant NAME` of harness/tests.conf
#                (another topology, kernel parameters) and run its `in
#                NAME` tests (or TESTS), reported as NAME/TEST; logs in
#                build/logs/NAME/
#   NO_VARIANTS=1 skip the variant boots of a full run
#
# A full run (no TESTS, DEBUG, STOCK or VARIANT) has four stages, reported
# as one TAP stream: every test on the default kernel; the variant boots
# (harness/tests.conf `variant`/`in`: the same kernel booted once per
# variant, named VARIANT/TEST); the client tests (crun, runc, containerd's
# CRI, podman, LXC, systemd, cgroup-tools in a Debian 12 root with systemd
# as PID 1: harness/clients.sh,
# `make clients`) on the same kernel; then the tests marked "debug" in
# harness/tests.conf on the debug kernel (lockdep, KASAN, KFENCE, kmemleak;
# build/obj-debug), named debug/NAME, ending with a kmemleak scan.
# CHECK_PART=1 (internal): build and run only, leave the results for the
# caller to report.
# the boot variant asked for (common.sh sets VARIANT to the build variant)
boot_variant=${VARIANT:-}
[[ $boot_variant == default ]] && boot_variant=
. "$(dirname "$0")/lib/common.sh"

# one `make check` per build variant at a time: they share the log files
exec 7>"$LOGS/.check.lock"
flock -n 7 || { log "another make check (${VARIANT}) is running here; waiting"; flock 7; }

# a VARIANT that tests.conf does not define fails before the build
if [[ -n $boot_variant ]] && ! grep -Eq "^variant[[:space:]]+$boot_variant([[:space:]]|$)" "$HARNESS_DIR/tests.conf"; then
	die "unknown VARIANT '$boot_variant'; harness/tests.conf has: $(awk '$1 == "variant" { printf "%s ", $2 }' "$HARNESS_DIR/tests.conf")"
fi

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
# variant NAME SETTING...: vnames (in order), vset[NAME]; in NAME TEST:
# vtests[NAME] (space-separated)
vnames=()
declare -A vset=() vtests=()
while read -r kw name rest; do
	case "$kw" in
	'' | \#*) ;;
	exclude) [[ -n ${TESTS:-} || -n $boot_variant ]] || printf '%s\t%s\n' "$name" "$rest" >>"$excl" ;;
	retry) retry+=("$name:${rest%% *}") ;;
	debug) debug_tests+=("$name") ;;
	debugonly) debug_only+=("$name") ;;
	variant)
		[[ $name =~ ^[a-z][a-z0-9_-]*$ && $name != default && $name != debug* ]] ||
			die "harness/tests.conf: bad variant name '$name'"
		[[ -z ${vset[$name]+x} ]] || die "harness/tests.conf: variant $name twice"
		for w in $rest; do
			[[ $w =~ ^(TOPO|CMDLINE)=[^[:space:]]+$ ]] ||
				die "harness/tests.conf: variant $name: '$w' is not TOPO=... or CMDLINE=..."
		done
		vnames+=("$name")
		vset[$name]=$rest
		;;
	in)
		[[ -n ${vset[$name]+x} ]] || die "harness/tests.conf: 'in $name' before 'variant $name'"
		[[ $rest =~ ^[^[:space:]]+$ ]] || die "harness/tests.conf: in $name: one test a line"
		vtests[$name]="${vtests[$name]:-}${vtests[$name]:+ }$rest"
		;;
	*) die "harness/tests.conf: unknown keyword '$kw'" ;;
	esac
done <"$HARNESS_DIR/tests.conf"
if [[ -n $boot_variant ]]; then
	[[ -n ${vset[$boot_variant]+x} ]] ||
		die "unknown VARIANT '$boot_variant'; harness/tests.conf has: ${vnames[*]:-none}"
	# its own list unless TESTS says otherwise; no debug/clients stages
	[[ -n ${TESTS:-} ]] || TESTS=${vtests[$boot_variant]:-}
	[[ -n $TESTS ]] || die "variant $boot_variant has no tests ('in $boot_variant TEST' in harness/tests.conf)"
	read -r -a sel <<<"${TESTS//,/ }"
	for t in "${sel[@]}"; do
		printf '%s\n' "${all[@]}" | grep -qx -- "$t" || die "unknown test '$t'; known: ${all[*]}"
	done
fi
# the tests of the variants that run must exist (a typo must not pass
# silently): all of them in a full run, else those of VARIANT
for v in "${vnames[@]}"; do
	[[ $v == "$boot_variant" || ( -z ${TESTS:-} && $DEBUG != 1 && $STOCK != 1 ) ]] || continue
	for t in ${vtests[$v]:-}; do
		printf '%s\n' "${all[@]}" | grep -qx -- "$t" ||
			die "harness/tests.conf: in $v: unknown test '$t'"
	done
done

# Boot variant $1 and run the tests $2 (comma-separated) in it; results and
# console in LOGS/$1/. The environment of run-vm.sh: TOPO and the kernel
# parameters of the variant's settings.
run_variant() {
	local v=$1 list=$2 w topo=default cmd=${KERNEL_CMDLINE_EXTRA:-}
	for w in ${vset[$v]}; do
		case "$w" in
		TOPO=*) topo=${w#TOPO=} ;;
		CMDLINE=*) cmd="${cmd:+$cmd }${w#CMDLINE=}" ;;
		esac
	done
	mkdir -p "$LOGS/$v"
	# a failed boot must not leave the previous run's results behind
	rm -f "$LOGS/$v/check-results.log" "$LOGS/$v/check-console.log"
	log "variant $v (${vset[$v]}): ${list//,/ }"
	BOOT_VARIANT=$v TOPO=$topo KERNEL_CMDLINE_EXTRA=$cmd \
		"$HARNESS_DIR/run-vm.sh" check "$list" "$(IFS=,; echo "${retry[*]}")" ||
		log "variant $v: boot failed (logs: ${LOGS#"$ROOT"/}/$v/)"
	touch "$LOGS/$v/check-results.log" "$LOGS/$v/check-console.log"
}

# The results of variant $1's boot with its test names as NAME/TEST
variant_results() {
	sed -e "s/^### \(BEGIN\|END\) /&$1\//" -e "s/^### HARNESS: /&[variant $1] /" \
		"$LOGS/$1/check-results.log"
}
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
list=$(IFS=,; echo "${run[*]}")

if [[ -n $boot_variant ]]; then
	# one variant boot (make check VARIANT=NAME): its own logs and TAP
	v=$boot_variant
	log "tests (variant $v): ${sel[*]}"
	run_variant "$v" "$list"
	tv=$((SECONDS - t0 - tb))
	[[ -z ${CHECK_PART:-} ]] || exit 0
	variant_results "$v" >"$LOGS/$v/check-results-named.log"
	names=()
	for t in "${sel[@]}"; do names+=("$v/$t"); done
	rc=0
	awk -f "$HARNESS_DIR/lib/report.awk" -v tests="${names[*]}" -v excluded_file="$excl" \
		-v known_file="$HARNESS_DIR/known-issues.txt" -v consoles="$v=$LOGS/$v/check-console.log" \
		-v parts=1 -v patterns="$HARNESS_DIR/lib/bad-kernel-log.ere" \
		-v timeout_s="${TEST_TIMEOUT:-600}" \
		"$LOGS/$v/check-results-named.log" >"$LOGS/$v/check.tap" || rc=$?
	{
		echo "# kernel package: $KPKG $(kernel_pkg_version); build+setup ${tb}s, VM ($v) ${tv}s"
		echo "# logs: ${LOGS#"$ROOT"/}/$v/ (check.tap, check-console.log, check-results.log, check-qemu-cmd.txt)"
	} >&2
	cat "$LOGS/$v/check.tap"
	exit $rc
fi

log "tests: ${sel[*]}"
"$HARNESS_DIR/run-vm.sh" check "$list" "$(IFS=,; echo "${retry[*]}")"
tv=$((SECONDS - t0 - tb))
[[ -z ${CHECK_PART:-} ]] || exit 0

results=$LOGS/check-results.log
consoles="=$LOGS/check-console.log"
parts=1
timing="build+setup ${tb}s, VM ${tv}s"
full=0
[[ -z ${TESTS:-} && $DEBUG != 1 && $STOCK != 1 ]] && full=1
if ((full)) && [[ ${NO_VARIANTS:-0} != 1 ]]; then
	# the variant boots: the same kernel and initramfs, booted once per
	# variant with its tests; results framed as VARIANT/TEST
	cp "$results" "$LOGS/check-results-all.log.tmp"
	for v in "${vnames[@]}"; do
		[[ -n ${vtests[$v]:-} ]] || continue
		t1=$SECONDS
		run_variant "$v" "${vtests[$v]// /,}"
		variant_results "$v" >>"$LOGS/check-results-all.log.tmp"
		for t in ${vtests[$v]}; do sel+=("$v/$t"); done
		consoles+=" $v=$LOGS/$v/check-console.log"
		parts=$((parts + 1))
		timing+=", variant $v $((SECONDS - t1))s"
	done
	results=$LOGS/check-results-all.log
	mv "$LOGS/check-results-all.log.tmp" "$results"
fi
if ((full)) && [[ ${NO_CLIENTS:-0} != 1 ]]; then
	t1=$SECONDS
	# a failed stage must not leave the previous run's results behind
	rm -f "$LOGS/clients-results.log" "$LOGS/clients-console.log"
	"$HARNESS_DIR/clients.sh" >/dev/null ||
		log "clients stage failed (logs: ${LOGS#"$ROOT"/}/clients-*.log)"
	touch "$LOGS/clients-results.log" "$LOGS/clients-console.log"
	cat "$results" "$LOGS/clients-results.log" >"$LOGS/check-results-all.log.tmp"
	results=$LOGS/check-results-all.log
	mv "$LOGS/check-results-all.log.tmp" "$results"
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
	CHECK_PART=1 DEBUG=1 VARIANT='' TESTS="$dl" "$HARNESS_DIR/check.sh" ||
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
