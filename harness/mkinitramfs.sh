#!/bin/bash
# Build the guest initramfs: static busybox, /init, the guest scripts, the
# selftest binaries (static) and the demo program.
. "$(dirname "$0")/lib/common.sh"
. "$HARNESS_DIR/topology.sh"

BUSYBOX=${BUSYBOX:-/bin/busybox}
[[ -x $BUSYBOX ]] || die "$BUSYBOX missing (package busybox-static)"
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is dynamically linked; install busybox-static"

R=$ART/initramfs-root
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,proc,sys,dev,tmp,run,root,etc,harness/tests,harness/bin,harness/tests.d}
cp "$BUSYBOX" "$R/bin/busybox"
cp "$HARNESS_DIR/guest/init" "$R/init"
cp "$HARNESS_DIR/guest/run-tests.sh" "$HARNESS_DIR/guest/demo.sh" "$R/harness/"
if compgen -G "$HARNESS_DIR/guest/tests.d/*.sh" >/dev/null; then
	cp "$HARNESS_DIR"/guest/tests.d/*.sh "$R/harness/tests.d/"
fi
if [[ -n ${EXTRA_TESTS_DIR:-} ]] && compgen -G "$EXTRA_TESTS_DIR/*.sh" >/dev/null; then
	cp "$EXTRA_TESTS_DIR"/* "$R/harness/tests.d/"
fi
topology_guest_env >"$R/harness/topology.env"
while IFS= read -r t; do
	[[ -x $ART/selftests/$t ]] || die "selftest $t was not built (see $LOGS/selftests-$VARIANT.log)"
	cp "$ART/selftests/$t" "$R/harness/tests/"
done <"$ART/selftests.list"
# wi_demo, the bench programs and harness/guest/src/*.c (built by build.sh)
cp "$ART"/bin/* "$R/harness/bin/"
cp "$ROOT/bench/guest/bench.sh" "$R/harness/bench.sh"
echo "root:x:0:0:root:/root:/bin/sh" >"$R/etc/passwd"
echo "root:x:0:" >"$R/etc/group"
printf "127.0.0.1 localhost\n::1 localhost\n" >"$R/etc/hosts"
echo "hosts: files" >"$R/etc/nsswitch.conf"
chmod 755 "$R/init" "$R"/harness/*.sh
find "$R/harness/tests.d" -name '*.sh' -exec chmod 755 {} +

cat >"$ART/initramfs.devs" <<'DEVS'
nod /dev/console 0600 0 0 c 5 1
nod /dev/null 0666 0 0 c 1 3
DEVS
(cd "$OBJ" && "$LINUX/usr/gen_initramfs.sh" -o "$ART/initramfs.cpio" -u "$(id -u)" -g "$(id -g)" "$R" "$ART/initramfs.devs") ||
	die "gen_initramfs.sh failed"
gzip -1 -f "$ART/initramfs.cpio"
log "initramfs: ${ART#"$ROOT"/}/initramfs.cpio.gz ($(du -h "$ART/initramfs.cpio.gz" | cut -f1))"
