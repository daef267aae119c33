#!/bin/sh
# Why are cgroup moves slow in the stress test: CPU time or mpol's mutex?
# mpol_stress for 40 s four ways in one boot, printing its operation counts
# and latencies: mpol writers flat out; writers paused 100 ms between
# writes; paused, plus 8 plain CPU spinners (as many as mpol_stress has mpol
# writer threads); flat out with the cgroup2 mount option favordynmods.
# Run: EXTRA_TESTS_DIR=bench/movelat make check TESTS=movelat TEST_TIMEOUT=600
# (figures: the "#" lines of build/logs/check-results.log; bench/NOTES.md 8)
. /harness/topology.env
export MPOL_STRESS_NODES=$TOPO_ALL_NODES
fail=0
run() {
	mpol_stress -t 40 "$@" > /tmp/mv.out 2>&1 || fail=1
	grep "^# \(ops: policy\|latency\)" /tmp/mv.out | sed "s/^# /# [$label] /"
	grep "^not ok" /tmp/mv.out && fail=1
}
label="mpol writers flat out"; run
label="mpol writers pause 100ms"; run -p 100000
pids=
for i in 1 2 3 4 5 6 7 8; do
	sh -c 'while :; do :; done' & pids="$pids $!"
done
label="mpol writers pause 100ms + 8 spinners"; run -p 100000
kill $pids
mount -o remount,favordynmods /sys/fs/cgroup || fail=1
label="favordynmods, mpol writers flat out"; run
mount -o remount,nofavordynmods /sys/fs/cgroup
[ $fail = 0 ] && echo "ok 1 four stress runs completed" || echo "not ok 1 four stress runs completed"
echo "1..1"
