# shellcheck shell=bash
# Common settings for the mpol harness. Sourced by every harness script.
set -euo pipefail

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$HARNESS_DIR/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
LOGS=$BUILD/logs
PRISTINE=$BUILD/pristine
LINUX=$BUILD/linux
KPKG=linux-source-6.12
KTARBALL=/usr/src/linux-source-6.12.tar.xz
ARCH=x86_64
export ARCH

# STOCK=1: the stock kernel without the series, in its own source and object
# trees (build/linux-stock, build/obj-stock), to triage upstream failures.
STOCK=${STOCK:-0}
DEBUG=${DEBUG:-0}
# BENCH_BUILD=1: the kernel make bench measures (+ config/bench.config), in
# build/obj-bench (build/obj-stock-bench with STOCK=1)
BENCH_BUILD=${BENCH_BUILD:-0}
SERIES_FILE=$ROOT/patches/series
if [[ "$STOCK" == 1 ]]; then
	LINUX=$BUILD/linux-stock
	STATE=$BUILD/state-stock
	SERIES_FILE=/dev/null
	sfx=-stock
else
	STATE=$BUILD/state
	sfx=
fi
if [[ "$DEBUG" == 1 ]]; then
	OBJ=$BUILD/obj$sfx-debug
	VARIANT=debug$sfx
elif [[ "$BENCH_BUILD" == 1 ]]; then
	OBJ=$BUILD/obj$sfx-bench
	VARIANT=bench$sfx
else
	OBJ=$BUILD/obj$sfx
	VARIANT=default$sfx
fi
unset sfx
# logs of the default variant in build/logs, others in build/logs/<variant>
[[ $VARIANT == default ]] || LOGS=$LOGS/$VARIANT
# Everything that depends on the kernel build (selftests, initramfs) lives
# next to the object dir so DEBUG=1 never clobbers the normal build.
ART=$OBJ/harness

# ccache: default cache dir (~/.ccache or $XDG_CACHE_HOME) so it survives
# clean clones; base_dir makes absolute paths relative so another clone
# location still hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_NOHASHDIR=1
JOBS=${JOBS:-$(nproc)}

mkdir -p "$LOGS"

log() { printf '[harness %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[harness] ERROR: %s\n' "$*" >&2; exit 1; }

kernel_pkg_version() {
	dpkg-query -W -f='${Version}' "$KPKG" 2>/dev/null || echo unknown
}

# Run a command with its output going to a log file; on failure show the tail.
run_logged() {
	local logf=$1; shift
	if ! "$@" >"$logf" 2>&1; then
		echo "---- last 40 lines of $logf ----" >&2
		tail -n 40 "$logf" >&2
		die "command failed: $* (full log: $logf)"
	fi
}

# One kernel build at a time on this machine (2 cores), across clones too:
# a machine-wide lock, then this build dir's lock.
build_lock() {
	exec 8>"${MPOL_BUILD_LOCK:-/tmp/mpol-harness-build.lock}"
	flock -n 8 || { log "another mpol kernel build runs on this machine; waiting"; flock 8; }
	exec 9>"$BUILD/.build.lock"
	flock -n 9 || { log "another harness build is running; waiting"; flock 9; }
}

kmake() {
	make -C "$LINUX" O="$OBJ" ARCH="$ARCH" CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$JOBS" "$@"
}

# Set the array "accel" to QEMU's accelerator arguments for $ACCEL (tcg or
# kvm, default tcg); dies if KVM is asked for and not usable.
# shellcheck disable=SC2034 # accel is for the caller
set_qemu_accel() {
	case "${ACCEL:-tcg}" in
	kvm)
		[[ -w /dev/kvm ]] || die "ACCEL=kvm but /dev/kvm is not usable"
		accel=(-accel kvm -cpu host) ;;
	tcg) accel=(-accel tcg -cpu max) ;;
	*) die "ACCEL must be tcg or kvm" ;;
	esac
}

# Commit the git-format-patch mail $2 in the git work tree $1 as `git am`
# would (author, date, subject and message from the mail), also when the
# mail has no diff: a patch whose only file is a NEW-FILE of patches/series
# (git 2.39's am refuses a mail without a patch).
git_apply_mail() {
	local dir=$1 mail=$2 t rc=1
	t=$(mktemp -d) || return 1
	if git -C "$dir" mailinfo "$t/msg" "$t/patch" <"$mail" >"$t/info" &&
		{ ! grep -q "^diff --git " "$t/patch" || git -C "$dir" apply --index "$t/patch"; }; then
		{ sed -n 's/^Subject: //p' "$t/info"; echo; cat "$t/msg"; } >"$t/log"
		GIT_AUTHOR_NAME=$(sed -n 's/^Author: //p' "$t/info") \
		GIT_AUTHOR_EMAIL=$(sed -n 's/^Email: //p' "$t/info") \
		GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' "$t/info") \
		GIT_COMMITTER_NAME="mpol harness" GIT_COMMITTER_EMAIL=mpol-harness@localhost \
			git -C "$dir" commit -q --allow-empty --cleanup=verbatim -F "$t/log" && rc=0
	fi
	rm -rf "$t"
	return $rc
}
