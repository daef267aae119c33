#!/bin/bash
# Install the host packages the harness needs (Debian 12), only if missing.
. "$(dirname "$0")/lib/common.sh"

PKGS=(build-essential flex bison bc libelf-dev libssl-dev ccache cpio dwarves
      rsync kmod patch git e2fsprogs xz-utils gzip perl coreutils
      python3 python3-ply python3-git qemu-system-x86 busybox-static
      debootstrap "$KPKG")

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	log "installing missing packages: ${missing[*]}"
	[[ $(id -u) == 0 ]] || die "need root to apt-get install: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	run_logged "$LOGS/apt.log" apt-get update
	run_logged "$LOGS/apt.log.install" apt-get install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confold "${missing[@]}"
fi
[[ -f $KTARBALL ]] || die "$KTARBALL missing (package $KPKG)"
log "host packages ok; $KPKG $(kernel_pkg_version)"
