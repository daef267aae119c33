#!/bin/bash
# Boot the VM: run-vm.sh MODE [TESTS [RETRY]]
#   MODE check: console (ttyS0) -> logs/check-console.log, results (ttyS1)
#               -> logs/check-results.log; TESTS = comma-separated list,
#               RETRY = "name:N,..." (rerun a failing test, N attempts)
#   MODE demo:  console -> logs/demo-console.log, demo output -> stdout
#   MODE shell: interactive shell on stdio (console)
#   MODE bench: like check, the guest runs bench/guest/bench.sh (TESTS =
#               its parts); with TCG, -icount shift=0,sleep=off unless
#               BENCH_ICOUNT=0 (see bench/run.sh)
# Env: ACCEL=tcg|kvm (default tcg), VM_TIMEOUT (secs, whole VM),
#      TEST_TIMEOUT (secs, per test), QEMU_EXTRA (extra QEMU args),
#      TOPO (harness/topology.sh), BOOT_VARIANT (a `variant` of
#      harness/tests.conf, set by check.sh: its logs go to LOGS/NAME/ and
#      its disk images are its own)
. "$(dirname "$0")/lib/common.sh"
. "$HARNESS_DIR/topology.sh"
BOOT_VARIANT=${BOOT_VARIANT:-}
if [[ -n $BOOT_VARIANT ]]; then
	[[ $BOOT_VARIANT =~ ^[a-z][a-z0-9_-]*$ ]] || die "bad BOOT_VARIANT '$BOOT_VARIANT'"
	LOGS=$LOGS/$BOOT_VARIANT
	mkdir -p "$LOGS"
fi

mode=${1:?usage: run-vm.sh check|demo|shell [TESTS [RETRY]]}
tests=${2:-}
retry=${3:-}
ACCEL=${ACCEL:-tcg}
# STRESS_SECONDS: how long the stress test runs (default 120; soak: hours)
STRESS_SECONDS=${STRESS_SECONDS:-120}
[[ $STRESS_SECONDS =~ ^[0-9]+$ ]] || die "STRESS_SECONDS must be a number of seconds"
TEST_TIMEOUT=${TEST_TIMEOUT:-$((STRESS_SECONDS > 300 ? STRESS_SECONDS + 300 : 600))}
case "$mode" in
check) VM_TIMEOUT=${VM_TIMEOUT:-$((1800 + STRESS_SECONDS))} ;;
demo) VM_TIMEOUT=${VM_TIMEOUT:-600} ;;
shell) VM_TIMEOUT=${VM_TIMEOUT:-86400} ;;
bench) VM_TIMEOUT=${VM_TIMEOUT:-900} ;;
*) die "unknown mode $mode" ;;
esac

# demo/shell: one at a time per variant (disk images and logs are per mode);
# check mode is serialized by check.sh, which also reads the logs afterwards
if [[ $mode != check ]]; then
	exec 7>"$LOGS/.$mode.lock"
	flock -n 7 || { log "another make $mode is running here; waiting"; flock 7; }
fi

KERNEL=$OBJ/arch/x86/boot/bzImage
INITRD=$ART/initramfs.cpio.gz
[[ -f $KERNEL && -f $INITRD ]] || die "kernel or initramfs missing; run 'make build' first"

# Disks (virtio, found in the guest by serial): "root", a fresh ext4 image of
# the initramfs tree that the guest switches to (upstream memcg/kmem tests
# need a real filesystem: reclaimable page cache and dentries), and "swap".
ROOTIMG=$ART/root-$mode${BOOT_VARIANT:+-$BOOT_VARIANT}.img
SWAP=$ART/swap-$mode${BOOT_VARIANT:+-$BOOT_VARIANT}.img
rm -f "$ROOTIMG"
truncate -s 1G "$ROOTIMG"
# /harness/topology.env describes the topology this VM boots with: if TOPO
# is not the one the initramfs tree was made for, a copy of the tree
# (hard links) with the right file
rootdir=$ART/initramfs-root
if ! cmp -s "$rootdir/harness/topology.env" <(topology_guest_env); then
	rootdir=$ART/root-$mode${BOOT_VARIANT:+-$BOOT_VARIANT}.d
	rm -rf "$rootdir"
	cp -al "$ART/initramfs-root" "$rootdir"
	rm -f "$rootdir/harness/topology.env"
	topology_guest_env >"$rootdir/harness/topology.env"
fi
mkfs.ext4 -q -F -L mpolroot -E lazy_itable_init=0,lazy_journal_init=0 \
	-d "$rootdir" "$ROOTIMG" || die "mkfs.ext4 of the guest root image failed"
[[ $rootdir == "$ART/initramfs-root" ]] || rm -rf "$rootdir"
[[ -f $SWAP ]] || truncate -s 512M "$SWAP"

set_qemu_accel
# bench: guest time = instructions executed (deterministic, repeatable)
[[ $mode == bench && $ACCEL == tcg && ${BENCH_ICOUNT:-1} != 0 ]] && accel+=(-icount shift=0,sleep=off)

mapfile -t topo < <(topology_qemu_args)
cmdline="console=ttyS0,115200 panic=-1 hmode=$mode htimeout=$TEST_TIMEOUT hstress=$STRESS_SECONDS"
[[ -n $tests ]] && cmdline+=" htests=$tests"
[[ -n $retry ]] && cmdline+=" hretry=$retry"
[[ $mode == demo || $mode == bench ]] && cmdline+=" quiet"
# the debug kernel has CONFIG_PAGE_OWNER: its stack-depot refills nest in allocations
[[ $VARIANT == debug* ]] && cmdline+=" page_owner=on"
[[ -n ${KERNEL_CMDLINE_EXTRA:-} ]] && cmdline+=" $KERNEL_CMDLINE_EXTRA"

console=$LOGS/$mode-console.log
results=$LOGS/$mode-results.log
: >"$console"
: >"$results"
case "$mode" in
check | bench) serial=(-serial "file:$console" -serial "file:$results") ;;
demo) serial=(-serial "file:$console" -serial stdio) ;;
shell) serial=(-serial mon:stdio -serial "file:$results") ;;
esac

qemu=(qemu-system-x86_64 "${accel[@]}" "${topo[@]}"
	-nodefaults -display none -no-reboot
	"${serial[@]}"
	-drive "file=$ROOTIMG,if=none,id=root,format=raw,cache=unsafe"
	-device virtio-blk-pci,drive=root,serial=root
	-drive "file=$SWAP,if=none,id=swap,format=raw,cache=unsafe"
	-device virtio-blk-pci,drive=swap,serial=swap
	-kernel "$KERNEL" -initrd "$INITRD" -append "$cmdline")
# shellcheck disable=SC2206
[[ -n ${QEMU_EXTRA:-} ]] && qemu+=($QEMU_EXTRA)

printf '%q ' "${qemu[@]}" >"$LOGS/$mode-qemu-cmd.txt"
echo >>"$LOGS/$mode-qemu-cmd.txt"
log "booting VM ($ACCEL, mode $mode, timeout ${VM_TIMEOUT}s); console: ${console#"$ROOT"/}"
rc=0
if [[ $mode == shell ]]; then
	timeout --foreground -k 10 "$VM_TIMEOUT" "${qemu[@]}" || rc=$?
elif [[ $mode == demo ]]; then
	set +e
	timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" </dev/null | tr -d '\r' | tee "$results"
	rc=${PIPESTATUS[0]}
	set -e
else
	timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" </dev/null || rc=$?
fi
if ((rc == 124 || rc == 137)); then
	log "VM timed out after ${VM_TIMEOUT}s (hang?)"
	echo "### HARNESS: VM TIMEOUT after ${VM_TIMEOUT}s" >>"$results"
elif ((rc != 0)); then
	log "qemu exited with status $rc (see ${console#"$ROOT"/})"
	echo "### HARNESS: QEMU EXIT $rc" >>"$results"
fi
if [[ $mode == demo ]]; then
	if bad=$(grep -E -f "$HARNESS_DIR/lib/bad-kernel-log.ere" "$console"); then
		echo "kernel log: NOT clean (${console#"$ROOT"/}):"
		sed 's/^/  /' <<<"$bad"
		exit 1
	fi
	((rc == 0)) || exit 1
	echo "kernel log: clean (${console#"$ROOT"/})"
fi
exit 0
