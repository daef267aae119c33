#!/bin/sh
# cgroup v2 delegation of mpol files, with and without nsdelegate. See
# harness/guest/src/mpol_deleg.c.
bin=mpol_deleg
# an ad hoc build next to this script (EXTRA_TESTS_DIR) comes first
[ -x "${0%/*}/$bin" ] && bin="${0%/*}/$bin"
# the test remounts /sys/fs/cgroup; put the options back even if it dies
opts=$(awk '$2 == "/sys/fs/cgroup" && $3 == "cgroup2" { print $4 }' /proc/mounts)
"$bin"
rc=$?
now=$(awk '$2 == "/sys/fs/cgroup" && $3 == "cgroup2" { print $4 }' /proc/mounts)
if [ -n "$opts" ] && [ "$now" != "$opts" ]; then
	echo "# restoring cgroup2 mount options: $now -> $opts"
	mount -o "remount,$opts" /sys/fs/cgroup || rc=1
fi
exit $rc
