#!/bin/sh
# Run the selected tests (htests, comma-separated). A test in hretry
# ("name:N,...") that fails is run again, up to N attempts in all.
# Framing for the host parser (harness/lib/report.awk):
#   ### BEGIN <name> attempt=<k>
#   ...TAP output of the test...
#   ### END <name> rc=<exit status> secs=<seconds>
#   ### DONE
echo "### GUEST $(uname -r) $(uname -v)"
echo "### CONTROLLERS $(cat /sys/fs/cgroup/cgroup.controllers)"
echo "### ROOTFS $(awk '$2 == "/" { print $3 }' /proc/mounts | tail -n1)"
for t in $(echo "$htests" | tr ',' ' '); do
	if [ -x "/harness/tests/$t" ]; then
		cmd="/harness/tests/$t"
	elif [ -x "/harness/tests.d/$t.sh" ]; then
		cmd="/harness/tests.d/$t.sh"
	else
		echo "### BEGIN $t attempt=1"
		echo "harness: test $t not found in the guest"
		echo "### END $t rc=127 secs=0"
		continue
	fi
	tries=1
	for r in $(echo "$hretry" | tr ',' ' '); do
		[ "${r%%:*}" = "$t" ] && tries=${r#*:}
	done
	a=1
	while :; do
		echo "### BEGIN $t attempt=$a"
		echo "[harness] start $t attempt $a" >/dev/kmsg
		# cwd on the root filesystem (ext4): the tests create files there
		mkdir -p "/work/$t"
		cd "/work/$t"
		start=$(date +%s)
		timeout -s KILL "$htimeout" "$cmd" </dev/null 2>&1
		rc=$?
		cd /
		rm -rf "/work/$t"
		echo "[harness] end $t rc=$rc" >/dev/kmsg
		echo "### END $t rc=$rc secs=$(($(date +%s) - start))"
		[ $rc -eq 0 ] || [ $rc -eq 4 ] || [ $a -ge "$tries" ] && break
		a=$((a + 1))
	done
done
echo "### DONE"
