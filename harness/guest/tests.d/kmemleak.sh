#!/bin/sh
# kmemleak scan at the end of a debug-kernel run (make check's debug stage
# runs it last): any suspected leak fails the run.
K=/sys/kernel/debug/kmemleak
echo "TAP version 13"
echo "1..1"
if [ ! -e $K ]; then
	echo "ok 1 kmemleak scan # SKIP kernel without CONFIG_DEBUG_KMEMLEAK"
	exit 0
fi
# kmemleak never reports objects younger than 5 s: let the last test's
# objects age. Scan twice, as Documentation/dev-tools/kmemleak.rst advises,
# so that pointers in flight during the first scan are not reported.
sleep 6
# a kmemleak that disabled itself (e.g. its object pool ran out) refuses
# the scan and would report nothing: that is a failure, not a clean run
if ! echo scan >$K || ! { sleep 1; echo scan >$K; }; then
	echo "not ok 1 kmemleak scan: kmemleak refused to scan (disabled?)"
	dmesg | grep -i kmemleak | tail -n 5 | sed 's/^/# /'
	exit 1
fi
leaks=$(cat $K)
if [ -z "$leaks" ]; then
	echo "ok 1 kmemleak scan: no suspected leaks"
	exit 0
fi
echo "not ok 1 kmemleak scan: $(echo "$leaks" | grep -c '^unreferenced object') suspected leak(s)"
echo "$leaks" | head -n 200 | sed 's/^/# /'
exit 1
