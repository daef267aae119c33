#!/bin/sh
# Run the selected tests (htests, comma-separated). Framing for the host
# parser (harness/lib/report.awk):
#   ### BEGIN <name>
#   ...TAP output of the test...
#   ### END <name> rc=<exit status> secs=<seconds>
#   ### DONE
echo "### GUEST $(uname -r) $(uname -v)"
echo "### CONTROLLERS $(cat /sys/fs/cgroup/cgroup.controllers)"
for t in $(echo "$htests" | tr ',' ' '); do
	if [ -x "/harness/tests/$t" ]; then
		cmd="/harness/tests/$t"
	elif [ -x "/harness/tests.d/$t.sh" ]; then
		cmd="/harness/tests.d/$t.sh"
	else
		echo "### BEGIN $t"
		echo "harness: test $t not found in the guest"
		echo "### END $t rc=127 secs=0"
		continue
	fi
	echo "### BEGIN $t"
	echo "[harness] start $t" >/dev/kmsg
	mkdir -p "/tmp/work-$t"
	cd "/tmp/work-$t"
	start=$(date +%s)
	timeout -s KILL "$htimeout" "$cmd" </dev/null 2>&1
	rc=$?
	cd /
	rm -rf "/tmp/work-$t"
	echo "[harness] end $t rc=$rc" >/dev/kmsg
	echo "### END $t rc=$rc secs=$(($(date +%s) - start))"
done
echo "### DONE"
