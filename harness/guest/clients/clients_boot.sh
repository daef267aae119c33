#!/bin/bash
# systemd v252 booted as PID 1 on the mpol kernel; what it did with mpol.
. /harness/clients/lib.sh

state=$(cat /run/mpol-boot-state)
check "systemd booted as PID 1 (is-system-running: $state)" \
	test "$(cat /proc/1/comm)" = systemd -a "$state" = running
systemd-analyze time 2>&1 | diag
systemctl --failed --no-legend 2>&1 | diag
check "mpol is in the root's cgroup.controllers" grep -qw mpol $CG/cgroup.controllers
# systemd enables the controllers it knows in the root's subtree_control and
# leaves others alone: mpol stays off until someone enables it
echo "root cgroup.subtree_control after boot: $(cat $CG/cgroup.subtree_control)" | diag
check "systemd v252 does not enable mpol by itself" \
	bash -c "! grep -qw mpol $CG/cgroup.subtree_control"
finish
