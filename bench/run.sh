#!/bin/bash
# make bench: the hot-path and update costs of mpol, each measured side by
# side with the kernel's own path in the same boot (variants interleaved
# A B A B ...), printed as a table and written to bench/RESULTS.md.
#
#   boot 1 (main):   every figure (bench/guest/bench.sh, all parts)
#   boot 2 (nompol): figure 3 only, same kernel with cgroup_disable=mpol
#   boot 3 (stock):  figure 3 only, the stock 6.12 kernel (build/obj-stock-bench),
#                    if BENCH_STOCK=1 (builds it: `make build STOCK=1`), or
#                    by default if that build exists with the bench programs
#                    and the same config; BENCH_STOCK=0 skips it
#
# Env: BENCH_REPS (default 7; update/attach use 3x), BENCH_ICOUNT=0 (plain
# TCG instead of -icount shift=0,sleep=off), ACCEL, KERNEL_CMDLINE_EXTRA.
# the bench kernel variant (harness/config/bench.config: CONFIG_JUMP_LABEL)
export BENCH_BUILD=1
. "$(dirname "$0")/../harness/lib/common.sh"

BENCH=$ROOT/bench
REPS=${BENCH_REPS:-7}
[[ $REPS =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive number"
ACCEL=${ACCEL:-tcg}
export ACCEL
if [[ $ACCEL == tcg && ${BENCH_ICOUNT:-1} != 0 ]]; then
	qmode="TCG -icount shift=0,sleep=off (guest ns = instructions executed)"
else
	qmode="$ACCEL, no icount (guest time = host time)"
fi
OUT=$LOGS/raw
mkdir -p "$OUT"
rm -f "$OUT"/*.log
base_extra=${KERNEL_CMDLINE_EXTRA:-}
t0=$SECONDS

cmd="make bench"
for v in BENCH_REPS BENCH_ICOUNT BENCH_STOCK ACCEL KERNEL_CMDLINE_EXTRA; do
	[[ -n ${!v:-} && ! ($v == ACCEL && ${!v} == tcg) ]] && cmd+=" $v=${!v}"
done

# boot NAME PARTS EXTRA_CMDLINE [STOCK]
boot() {
	local name=$1 parts=$2 extra=$3 stock=${4:-0} logs=$LOGS bt=$SECONDS
	[[ $stock == 1 ]] && logs=$BUILD/logs/bench-stock
	log "bench boot '$name' (parts: $parts; $qmode)"
	STOCK=$stock KERNEL_CMDLINE_EXTRA="$base_extra hbench_reps=$REPS $extra" \
		"$HARNESS_DIR/run-vm.sh" bench "$parts"
	cp "$logs/bench-results.log" "$OUT/$name.log"
	cp "$logs/bench-console.log" "$OUT/$name-console.log"
	echo "I boot_host_secs $((SECONDS - bt))" >>"$OUT/$name.log"
	grep -q '^### DONE' "$OUT/$name.log" || log "WARNING: boot '$name' did not finish (see ${OUT#"$ROOT"/}/$name-console.log)"
}

boot main all ""
boot nompol unused "cgroup_disable=mpol"

# the stock kernel, for scale (figure 3)
SOBJ=$BUILD/obj-stock-bench
stock_note=""
if [[ ${BENCH_STOCK:-auto} == 1 ]]; then
	make -C "$ROOT" --no-print-directory build STOCK=1 BENCH_BUILD=1 ||
		die "make build STOCK=1 BENCH_BUILD=1 failed"
fi
if [[ ${BENCH_STOCK:-auto} == 0 ]]; then
	stock_note="skipped (BENCH_STOCK=0)"
elif [[ ! -x $SOBJ/harness/bin/mpolbench || ! -f $SOBJ/arch/x86/boot/bzImage ]]; then
	stock_note="skipped: no stock build with the bench programs (make bench BENCH_STOCK=1 builds one)"
elif ! diff -q <(grep -v CGROUP_MPOL "$OBJ/.config" | grep '^CONFIG') \
	<(grep -v CGROUP_MPOL "$SOBJ/.config" | grep '^CONFIG') >/dev/null; then
	stock_note="skipped: build/obj-stock-bench/.config differs from build/obj-bench/.config beyond CONFIG_CGROUP_MPOL (make bench BENCH_STOCK=1 rebuilds it)"
else
	boot stock unused "" 1
fi

secs=$((SECONDS - t0))
{
	echo "date $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "command $cmd"
	echo "qemu_mode $qmode"
	echo "qemu $(qemu-system-x86_64 --version | head -n1)"
	echo "host_cpu $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "host_kernel $(uname -r)"
	echo "kernel_pkg $KPKG $(kernel_pkg_version)"
	echo "repo $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- kernel include patches bench harness 2>/dev/null || echo ' (+ uncommitted changes)')"
	echo "reps $REPS"
	echo "stock_note $stock_note"
	echo "total_secs $secs"
} >"$OUT/meta.txt"
python3 "$BENCH/report.py" "$OUT" "$BENCH/RESULTS.md"
log "make bench: ${secs}s (boots and report); results: bench/RESULTS.md, raw: ${OUT#"$ROOT"/}/"
