#!/bin/bash
# The client tests of `make clients`, run by mpol-clients.service once
# systemd (PID 1 of the Debian VM) has booted. Output on ttyS1 in the
# framing of harness/guest/run-tests.sh (### BEGIN/END/DONE), then power off.
# Kernel command line: htests=a,b (default: all), htimeout=SECS (per test).
exec >/dev/ttyS1 2>&1
stty -F /dev/ttyS1 raw -echo 2>/dev/null
export PATH=/harness/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

htests= htimeout=300
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	htests=*) htests=${arg#htests=} ;;
	htimeout=*) htimeout=${arg#htimeout=} ;;
	esac
done
# the order matters: clients_recipes checks what the others ran
all="clients_boot clients_echo clients_numastat clients_cgtools clients_crun clients_systemd clients_migrate clients_scope clients_auto clients_tool clients_runc clients_cri clients_podman clients_lxc clients_recipes"
[[ -n $htests ]] || htests=${all// /,}

# wait until systemd has finished booting (this unit is Type=simple, so it
# does not hold the boot up); the boot test reports what it took
systemctl is-system-running --wait >/run/mpol-boot-state 2>&1

echo "### GUEST $(uname -r) $(uname -v)"
echo "### CONTROLLERS $(cat /sys/fs/cgroup/cgroup.controllers)"
echo "### ROOTFS $(awk '$2 == "/" { print $3 }' /proc/mounts | tail -n1) systemd $(systemctl --version | head -n1)"
for t in ${htests//,/ }; do
	echo "### BEGIN $t attempt=1"
	echo "[harness] start $t" >/dev/kmsg
	mkdir -p "/work/$t"
	cd "/work/$t" || exit 1
	start=$(date +%s)
	if [[ -x /harness/clients/$t.sh ]]; then
		timeout -s KILL "$htimeout" "/harness/clients/$t.sh" </dev/null 2>&1
		rc=$?
	else
		echo "harness: test $t not found in the guest"
		rc=127
	fi
	cd /
	echo "[harness] end $t rc=$rc" >/dev/kmsg
	echo "### END $t rc=$rc secs=$(($(date +%s) - start))"
done
echo "### DONE"
sync
systemctl poweroff --no-block
