#!/bin/bash
# make clients: boot the mpol kernel with a Debian 12 root (systemd v252 as
# PID 1, crun 1.8.1, runc 1.1.5, containerd 1.6.20, podman 4.3.1, LXC 5.0.2,
# cgroup-tools 2.0.2, numactl), run the client tests
# (harness/guest/clients/clients_*.sh) and print TAP.
#
#   clients.sh [TESTS]   TESTS: comma-separated clients_* names (default all)
#
# Needs the kernel of `make build` (this script does not build it).
# Logs, in the framing of the check mode (### BEGIN/END/DONE):
#   build/logs/clients-results.log  test output (guest ttyS1)
#   build/logs/clients-console.log  kernel and systemd console (ttyS0)
#   build/logs/clients.tap          the TAP printed at the end
# Env: ACCEL=tcg|kvm, VM_TIMEOUT (whole VM, default 900 s), TEST_TIMEOUT
#      (per test, default 300 s), CLIENTS_KEEP=1 keeps the disk image.
. "$(dirname "$0")/lib/common.sh"
. "$HARNESS_DIR/topology.sh"

tests=${1:-${CLIENTS_TESTS:-}}
ACCEL=${ACCEL:-tcg}
VM_TIMEOUT=${VM_TIMEOUT:-900}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
G=$HARNESS_DIR/guest

# one clients run per variant: the Debian tree is staged in place
exec 7>"$LOGS/.clients.lock"
flock -n 7 || { log "another make clients is running here; waiting"; flock 7; }

KERNEL=$OBJ/arch/x86/boot/bzImage
[[ -f $KERNEL && -d $ART/bin ]] || die "kernel or guest programs missing; run 'make build' first"
[[ -x $ART/bin/pagecount ]] || die "$ART/bin/pagecount missing; run 'make build' (harness/guest/src/pagecount.c)"
BUSYBOX=${BUSYBOX:-/bin/busybox}

t0=$SECONDS
TREE=$("$HARNESS_DIR/debroot.sh")
tdeb=$((SECONDS - t0))

# Stage the tests into the cached tree. Only /harness and the unit are ours;
# the rest of the tree is what debootstrap made (see debroot.sh).
rm -rf "$TREE/harness"
mkdir -p "$TREE/harness/clients" "$TREE/harness/bin"
cp "$G"/clients/*.sh "$G"/clients/*.py "$TREE/harness/clients/"
cp "$ART"/bin/* "$TREE/harness/bin/"
# the CRI client of clients_cri, on the PATH of the recipes
cp "$G/clients/cri.py" "$TREE/harness/bin/"
cp "$ROOT/docs/using-mpol.md" "$TREE/harness/"
topology_guest_env >"$TREE/harness/topology.env"
cp "$G/clients/mpol-clients.service" "$TREE/etc/systemd/system/"
ln -sf /etc/systemd/system/mpol-clients.service \
	"$TREE/etc/systemd/system/multi-user.target.wants/mpol-clients.service"
# The OCI bundle's root for crun: static busybox and pagecount only
B=$TREE/harness/bundle-rootfs
mkdir -p "$B"/{bin,proc,sys,dev,tmp,etc,ctl}
cp "$BUSYBOX" "$B/bin/busybox"
for a in sh cat echo sleep ls grep; do
	ln -sf busybox "$B/bin/$a"
done
cp "$ART/bin/pagecount" "$B/bin/"
echo "root:x:0:0:root:/:/bin/sh" >"$B/etc/passwd"
echo "root:x:0:" >"$B/etc/group"

# Container images for containerd (ctr images import) and podman (podman
# load), made here offline from the same rootfs: a docker-archive tarball
# (manifest.json, one config per image, one shared uncompressed layer),
# which both import. mpol-busybox:1 runs the tests' workload;
# mpol-pause:1 is containerd's sandbox ("pause") image: busybox sleep.
I=$TREE/harness/images
mkdir -p "$I"
a=$(mktemp -d)
tar -C "$B" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$a/layer.tar" .
lsum=$(sha256sum "$a/layer.tar" | cut -d' ' -f1)
mkdir "$a/$lsum"
mv "$a/layer.tar" "$a/$lsum/layer.tar"
manifest=
for img in "mpol-busybox:1 /bin/sh" "mpol-pause:1 /bin/sleep 2147483647"; do
	read -r tag cmd <<<"$img"
	args=$(printf '"%s",' $cmd)
	cfg="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[${args%,}],\"WorkingDir\":\"/\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$lsum\"]}}"
	csum=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
	printf '%s' "$cfg" >"$a/$csum.json"
	manifest+="{\"Config\":\"$csum.json\",\"RepoTags\":[\"localhost/$tag\"],\"Layers\":[\"$lsum/layer.tar\"]},"
done
printf '[%s]' "${manifest%,}" >"$a/manifest.json"
tar -C "$a" --numeric-owner --owner=0 --group=0 -cf "$I/mpol-images.tar" .
rm -rf "$a"

IMG=$ART/clients-root.img
rm -f "$IMG"
truncate -s 2G "$IMG"
mkfs.ext4 -q -F -L mpolclients -E lazy_itable_init=0,lazy_journal_init=0 \
	-d "$TREE" "$IMG" || die "mkfs.ext4 of the clients image failed"
timg=$((SECONDS - t0 - tdeb))

set_qemu_accel

mapfile -t topo < <(topology_qemu_args)
# No initramfs: the kernel mounts the ext4 root itself (virtio-blk and ext4
# are built in) and starts systemd. systemd.unit is the default
# multi-user.target, which wants mpol-clients.service.
cmdline="console=ttyS0,115200 root=/dev/vda rw rootwait init=/lib/systemd/systemd panic=-1"
cmdline+=" systemd.show_status=auto htimeout=$TEST_TIMEOUT"
[[ -n $tests ]] && cmdline+=" htests=$tests"
[[ -n ${KERNEL_CMDLINE_EXTRA:-} ]] && cmdline+=" $KERNEL_CMDLINE_EXTRA"

console=$LOGS/clients-console.log
results=$LOGS/clients-results.log
: >"$console"
: >"$results"
qemu=(qemu-system-x86_64 "${accel[@]}" "${topo[@]}"
	-nodefaults -display none -no-reboot
	-serial "file:$console" -serial "file:$results"
	-drive "file=$IMG,if=none,id=root,format=raw,cache=unsafe"
	-device virtio-blk-pci,drive=root,serial=root
	-kernel "$KERNEL" -append "$cmdline")
# shellcheck disable=SC2206
[[ -n ${QEMU_EXTRA:-} ]] && qemu+=($QEMU_EXTRA)
printf '%q ' "${qemu[@]}" >"$LOGS/clients-qemu-cmd.txt"
echo >>"$LOGS/clients-qemu-cmd.txt"

log "booting the Debian VM ($ACCEL, timeout ${VM_TIMEOUT}s); console: ${console#"$ROOT"/}"
rc=0
timeout -k 10 "$VM_TIMEOUT" "${qemu[@]}" </dev/null || rc=$?
tvm=$((SECONDS - t0 - tdeb - timg))
if ((rc == 124 || rc == 137)); then
	log "VM timed out after ${VM_TIMEOUT}s (hang?)"
	echo "### HARNESS: VM TIMEOUT after ${VM_TIMEOUT}s" >>"$results"
elif ((rc != 0)); then
	log "qemu exited with status $rc (see ${console#"$ROOT"/})"
	echo "### HARNESS: QEMU EXIT $rc" >>"$results"
fi
[[ ${CLIENTS_KEEP:-0} == 1 ]] || rm -f "$IMG"

# the test list for the report: what the guest was asked to run
if [[ -z $tests ]]; then
	tests=$(sed -n 's/^all="\(.*\)"$/\1/p' "$G/clients/run-clients.sh")
fi
rc=0
awk -f "$HARNESS_DIR/lib/report.awk" -v tests="${tests//,/ }" -v excluded_file=/dev/null \
	-v known_file="$HARNESS_DIR/known-issues.txt" -v console="$console" \
	-v patterns="$HARNESS_DIR/lib/bad-kernel-log.ere" -v timeout_s="$TEST_TIMEOUT" \
	"$results" >"$LOGS/clients.tap" || rc=$?
log "clients: debian root ${tdeb}s, image ${timg}s, VM ${tvm}s; logs: ${LOGS#"$ROOT"/}/clients-*.log"
cat "$LOGS/clients.tap"
exit $rc
