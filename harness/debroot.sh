#!/bin/bash
# Build the Debian 12 root tree of the client tests (make clients): systemd
# as PID 1, crun, cgroup-tools and numactl, unmodified Debian packages.
#
#   debroot.sh            print the tree's path; build it first if needed
#
# The tree is cached in build/clients/debroot-<hash>, <hash> covering the
# package list and this script, so a change of either builds a new tree
# (older ones are removed). The .debs are kept in build/clients/debcache,
# so a rebuild after a list change downloads only what is new.
# Building takes about a minute with a warm cache (debootstrap).
. "$(dirname "$0")/lib/common.sh"

# systemd-sysv: /sbin/init; dbus: crun's systemd cgroup manager talks to
# systemd over the system bus; jq: the crun recipe edits config.json;
# procps: ps/pgrep in the tests; runc, containerd (its CRI plugin, driven
# by harness/guest/clients/cri.py over python3-grpcio/python3-protobuf),
# podman (containernetworking-plugins: its container-network-stack) and
# lxc: the runtime tests (clients_runc, clients_cri,
# clients_podman, clients_lxc)
DEB_PKGS=(systemd systemd-sysv dbus crun cgroup-tools numactl jq procps
	runc containerd python3-grpcio python3-protobuf podman containernetworking-plugins lxc)
DEB_SUITE=bookworm
DEB_MIRROR=${DEB_MIRROR:-http://deb.debian.org/debian}

CDIR=$BUILD/clients
mkdir -p "$CDIR/debcache"
hash=$({ echo "$DEB_SUITE ${DEB_PKGS[*]}"; cat "$0"; } | sha256sum | cut -c1-12)
TREE=$CDIR/debroot-$hash

exec 6>"$CDIR/.debroot.lock"
flock 6

if [[ ! -f $TREE/.mpol-stamp ]]; then
	command -v debootstrap >/dev/null || die "debootstrap missing (harness/deps.sh installs it)"
	[[ $(id -u) == 0 ]] || die "debootstrap needs root"
	log "debootstrap $DEB_SUITE (${DEB_PKGS[*]}) -> ${TREE#"$ROOT"/} (log: ${LOGS#"$ROOT"/}/debroot.log)"
	t0=$SECONDS
	tmp=$TREE.tmp
	rm -rf "$tmp"
	pkgs=$(IFS=,; echo "${DEB_PKGS[*]}")
	run_logged "$LOGS/debroot.log" debootstrap --variant=minbase \
		--cache-dir="$CDIR/debcache" --include="$pkgs" \
		"$DEB_SUITE" "$tmp" "$DEB_MIRROR"

	echo mpol-vm >"$tmp/etc/hostname"
	printf '127.0.0.1 localhost mpol-vm\n::1 localhost\n' >"$tmp/etc/hosts"
	# root is mounted rw by the kernel (root=/dev/vda rw); nothing else
	echo "# root: kernel command line (root=/dev/vda rw)" >"$tmp/etc/fstab"
	# a VM that boots once, runs the tests and powers off: no logins, no
	# periodic jobs that would run during the tests and skew the timing
	systemctl --root="$tmp" mask serial-getty@ttyS0.service \
		serial-getty@ttyS1.service getty@tty1.service \
		apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer \
		e2scrub_all.timer e2scrub_reap.service fstrim.timer \
		systemd-tmpfiles-clean.timer >>"$LOGS/debroot.log" 2>&1
	# the runtimes' own units stay off at boot: the tests start what they
	# need (containerd with their config, no podman API socket, no LXC
	# autostart or lxc-net bridge, which this kernel could not make)
	systemctl --root="$tmp" disable containerd.service lxc.service \
		lxc-monitord.service lxc-net.service podman.socket podman.service \
		podman-restart.service podman-auto-update.service \
		podman-auto-update.timer >>"$LOGS/debroot.log" 2>&1
	systemctl --root="$tmp" mask lxc-net.service >>"$LOGS/debroot.log" 2>&1
	# the journal in memory only: the image is thrown away after the run
	mkdir -p "$tmp/etc/systemd/journald.conf.d"
	printf '[Journal]\nStorage=volatile\n' \
		>"$tmp/etc/systemd/journald.conf.d/mpol.conf"
	rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/archives/*.deb
	touch "$tmp/.mpol-stamp"
	for old in "$CDIR"/debroot-*; do
		[[ $old == "$tmp" || ! -d $old ]] || rm -rf "$old"
	done
	mv "$tmp" "$TREE"
	log "debian root ok ($((SECONDS - t0))s, $(du -sh "$TREE" | cut -f1))"
fi
echo "$TREE"
