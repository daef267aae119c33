#!/bin/bash
# Configure and build the kernel (bzImage), the UAPI headers, the cgroup
# selftests, the demo program and the initramfs. Incremental.
. "$(dirname "$0")/lib/common.sh"
. "$HARNESS_DIR/lib/config.sh"

build_lock

kver=$(kernel_pkg_version)
{
	echo "kernel package: $KPKG $kver"
	echo "variant: $VARIANT (obj: ${OBJ#"$ROOT"/})"
	echo "gcc: $(gcc --version | head -n1)"
	echo "qemu: $(qemu-system-x86_64 --version | head -n1)"
	echo "series: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') $(grep -cv '^\s*\(#\|$\)' "$ROOT/patches/series" 2>/dev/null || echo 0) line(s)"
} >"$LOGS/versions.txt"
log "kernel source: $KPKG $kver ($VARIANT build)"

make_config

t0=$SECONDS
log "building bzImage (make -j$JOBS, log: ${LOGS#"$ROOT"/}/kernel-build-$VARIANT.log)"
{ echo "# $KPKG $kver"; kmake bzImage; } >"$LOGS/kernel-build-$VARIANT.log" 2>&1 ||
	{ grep -E 'error|Error' "$LOGS/kernel-build-$VARIANT.log" | tail -n 30 >&2; die "kernel build failed (log: $LOGS/kernel-build-$VARIANT.log)"; }
log "bzImage ok ($((SECONDS - t0))s): $(cat "$OBJ/include/config/kernel.release" 2>/dev/null)"

run_logged "$LOGS/headers-$VARIANT.log" kmake headers

# cgroup selftests, built with the kernel's own Makefile (static binaries)
ST=$LINUX/tools/testing/selftests/cgroup
mkdir -p "$ART/selftests"
log "building cgroup selftests"
run_logged "$LOGS/selftests-$VARIANT.log" make -C "$ST" -j"$JOBS" \
	OUTPUT="$ART/selftests" KHDR_INCLUDES="-isystem $OBJ/usr/include" \
	LDFLAGS=-static CC=gcc
# the list of test programs, from the Makefile's TEST_GEN_PROGS
make -s -C "$ST" OUTPUT="$ART/selftests" KHDR_INCLUDES="-isystem $OBJ/usr/include" \
	-f Makefile -f "$HARNESS_DIR/lib/print-progs.mk" harness-print-progs |
	tr ' ' '\n' | sed -n 's|.*/||p' | sort -u >"$ART/selftests.list"
log "selftests: $(tr '\n' ' ' <"$ART/selftests.list")"

# demo program
mkdir -p "$ART/bin"
if [[ ! -x $ART/bin/wi_demo || $HARNESS_DIR/demo/wi_demo.c -nt $ART/bin/wi_demo ]]; then
	gcc -static -O2 -Wall -o "$ART/bin/wi_demo" "$HARNESS_DIR/demo/wi_demo.c"
fi
# guest test programs (harness/guest/src/*.c, helpers in *.h there)
for f in "$HARNESS_DIR"/guest/src/*.c; do
	[[ -e $f ]] || continue
	b=$ART/bin/$(basename "$f" .c)
	if [[ ! -x $b || $f -nt $b || -n $(find "$HARNESS_DIR/guest/src" -name '*.h' -newer "$b") ]]; then
		gcc -static -O2 -g -Wall -Wextra -pthread -I "$OBJ/usr/include" -o "$b" "$f" ||
			die "building $f failed"
	fi
done
# tools of the series at their kernel paths (tools/cgroup/mpol_show.c:
# the per-cgroup placement table of make demo and the client tests;
# static, so it runs in the busybox initramfs and the Debian root alike)
# (tools/cgroup/Makefile needs the kernel tree's tools/scripts: built
# directly here, with the same flags)
for f in "$ROOT"/tools/cgroup/*.c; do
	[[ -e $f ]] || continue
	b=$ART/bin/$(basename "$f" .c)
	if [[ ! -x $b || $f -nt $b ]]; then
		gcc -static -O2 -Wall -Wextra -o "$b" "$f" || die "building $f failed"
	fi
done
# benchmark programs (make bench)
for f in "$ROOT"/bench/*.c; do
	b=$ART/bin/$(basename "$f" .c)
	[[ -x $b && ! $f -nt $b ]] || gcc -static -O2 -Wall -o "$b" "$f"
done

"$HARNESS_DIR/mkinitramfs.sh"
