#!/bin/bash
# docs/using-mpol.md section 5: systemd 252 (PID 1) and mpol. A service's
# policy and placement survive daemon-reload, a restart of another unit,
# set-property and a restart of the service itself; a Delegate=yes service
# manages mpol in its own subtree; what systemd refuses is recorded.
. /harness/clients/lib.sh

SS=$CG/system.slice
APP=$SS/wi-app.service
# state STEP: the things systemd could reset, on one line
state() {
	echo "root: $(cat $CG/cgroup.subtree_control) | system.slice: $(cat $SS/cgroup.subtree_control)" \
		"| wi-app: $(cgfile $APP/mpol.policy) ($(cgfile $APP/mpol.weights))"
}
# after STEP: mpol still enabled top-down, the service's files unchanged,
# and new pages of the service still land 3:1:1
after() {
	local s
	s=$(state)
	echo "after $1: $s" | diag
	check "after $1: +mpol in root and system.slice, wi-app's mpol files kept" \
		grep -q "^root: .*mpol.* | system.slice: .*mpol.* | wi-app: weighted-interleave:0-2 (0 3)$" <<<"$s"
	expect_pages "after $1: wi-app's new pages" "N0=600 N1=200 N2=200 N3=0" \
		"$(batch /run/wi-app.fifo /run/wi-app.out)"
}

echo "systemd: $(systemctl --version | head -n1)" | diag
check "systemd-enable: mpol-enable.service" recipe systemd-enable
check "mpol-enable.service is active" systemctl -q is-active mpol-enable.service
check "+mpol in system.slice's subtree_control" grep -qw mpol $SS/cgroup.subtree_control

rm -f /run/wi-app.out
check "systemd-service: wi-app.service" recipe systemd-service
wait_for /run/wi-app.fifo
expect_pages "wi-app.service" "N0=600 N1=200 N2=200 N3=0" "$(batch /run/wi-app.fifo /run/wi-app.out)"
pid=$(systemctl show -p MainPID --value wi-app.service)
echo "wi-app: MainPID $pid, numa_maps: $(grep ' anon=1000 ' /proc/$pid/numa_maps | head -n1)" | diag

systemctl daemon-reload
after "systemctl daemon-reload"

# another unit in system.slice: systemd realizes the slice's cgroup again
printf '[Service]\nExecStart=/bin/sleep infinity\n' >/etc/systemd/system/neighbour.service
systemctl daemon-reload
systemctl start neighbour.service
systemctl restart neighbour.service
after "systemctl restart neighbour.service (another unit)"

check "systemctl set-property wi-app.service MemoryMax=256M" \
	systemctl set-property wi-app.service MemoryMax=256M
check "memory.max is 268435456" grep -qx 268435456 $APP/memory.max
after "systemctl set-property wi-app.service MemoryMax=256M"

# a restart gives the service a new cgroup: ExecStartPre= sets it again
systemctl restart wi-app.service
wait_for /run/wi-app.fifo
check "the restarted service has a new main process" \
	test "$(systemctl show -p MainPID --value wi-app.service)" != "$pid"
after "systemctl restart wi-app.service"

# What systemd 252 refuses (the table in the docs)
out=$(systemctl set-property wi-app.service MPOLPolicy=bind:0 2>&1)
rc=$?
echo "set-property MPOLPolicy=bind:0: rc=$rc: $out" | diag
check "set-property of an mpol property: 'Unknown assignment: MPOLPolicy=bind:0', exit status 1" \
	test $rc -eq 1 -a "$out" = "Unknown assignment: MPOLPolicy=bind:0"
out=$(systemctl set-property wi-app.service Delegate=mpol 2>&1)
rc=$?
echo "set-property Delegate=mpol: rc=$rc: $out" | diag
check "set-property Delegate=mpol: 'Cannot set property DelegateControllers, or unknown property.'" \
	test $rc -ne 0 -a "$out" = "Failed to set unit properties on wi-app.service: Cannot set property DelegateControllers, or unknown property."
printf '[Service]\nDelegate=mpol memory\nExecStart=/bin/sleep infinity\n' >/etc/systemd/system/wi-bad1.service
printf '[Service]\nDisableControllers=mpol\nExecStart=/bin/sleep infinity\n' >/etc/systemd/system/wi-bad2.service
systemctl daemon-reload
systemctl start wi-bad1.service wi-bad2.service
journal=$(journalctl -b -o cat --no-pager | grep -E 'wi-bad[12]\.service:[0-9]+: ')
echo "$journal" | diag
check "Delegate=mpol: 'Invalid controller name 'mpol', ignoring'" \
	grep -qF "wi-bad1.service:2: Invalid controller name 'mpol', ignoring" <<<"$journal"
check "Delegate=mpol memory still delegates: DelegateControllers=memory" \
	test "$(systemctl show -p DelegateControllers --value wi-bad1.service)" = memory
check "DisableControllers=mpol: 'Invalid cgroup string: mpol, ignoring'" \
	grep -qF "wi-bad2.service:2: Invalid cgroup string: mpol, ignoring" <<<"$journal"
systemctl stop wi-bad1.service wi-bad2.service
after "units with Delegate=mpol and DisableControllers=mpol"

# Delegate=yes: the service manages mpol in its own subtree
rm -f /run/wi-deleg-fast.out /run/wi-deleg-slow.out
check "systemd-delegate: wi-deleg.service (Delegate=yes)" recipe systemd-delegate
wait_for /run/wi-deleg-slow.fifo
D=$SS/wi-deleg.service
sleep 1
echo "wi-deleg: subtree_control: $(cat $D/cgroup.subtree_control); fast: $(cat $D/fast/mpol.policy); slow: $(cat $D/slow/mpol.policy) ($(cgfile $D/slow/mpol.weights))" | diag
check "wi-deleg enabled mpol in its subtree" grep -qw mpol $D/cgroup.subtree_control
expect_pages "wi-deleg/fast (bind:0)" "N0=1000 N1=0 N2=0 N3=0" "$(batch /run/wi-deleg-fast.fifo /run/wi-deleg-fast.out)"
expect_pages "wi-deleg/slow (weighted-interleave:2-3, 3 4)" "N0=0 N1=0 N2=200 N3=800" \
	"$(batch /run/wi-deleg-slow.fifo /run/wi-deleg-slow.out)"
systemctl daemon-reload
systemctl restart neighbour.service
check "after daemon-reload and a restart of another unit: wi-deleg's subtree keeps +mpol and its policies" \
	test "$(cat $D/cgroup.subtree_control | grep -ow mpol) $(cat $D/fast/mpol.policy) $(cat $D/slow/mpol.policy)" = \
	"mpol bind:0 weighted-interleave:2-3"
expect_pages "wi-deleg/fast after daemon-reload" "N0=1000 N1=0 N2=0 N3=0" "$(batch /run/wi-deleg-fast.fifo /run/wi-deleg-fast.out)"
expect_pages "wi-deleg/slow after daemon-reload" "N0=0 N1=0 N2=200 N3=800" \
	"$(batch /run/wi-deleg-slow.fifo /run/wi-deleg-slow.out)"

systemctl stop wi-deleg.service wi-app.service neighbour.service
check "no failed units" test -z "$(systemctl --failed --no-legend)"
systemctl --failed --no-legend | diag
finish
