#!/bin/bash
# docs/using-mpol.md section 4, LXC: LXC 5.0.2 (Debian 12) writes
# lxc.cgroup2.mpol.policy / lxc.cgroup2.mpol.weights of a container's
# config (two weights lines: two weights), lxc-cgroup changes them live
# (a multi-line value in one write; a refused value changes nothing).
# Pages counted per node.
. /harness/clients/lib.sh

grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
echo "lxc: $(lxc-start --version)" | diag
W=/run/mpol-lxc
L=/var/lib/lxc/wi-lxc
rm -rf $W $L
mkdir -p $W
mkfifo $W/fifo
printf '#!/bin/sh\nexec pagecount -f /ctl/fifo 1000 >/ctl/out\n' >$W/run
chmod 755 $W/run
check "lxc-config: lxc.cgroup2.mpol.* in the container's config" recipe lxc-config
# plumbing: the rootfs, the FIFO directory on /ctl and the workload
cp -a /harness/bundle-rootfs $L/rootfs
cat >>$L/config <<EOC
lxc.mount.entry = $W ctl none bind,create=dir 0 0
lxc.init.cmd = /ctl/run
EOC
check "lxc-start: lxc-start -n wi-lxc" recipe lxc-start
check "LXC wrote mpol.policy and both weights: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $RECIPE_OUT)" = "weighted-interleave:0-2 / 0 6 / 1 3"
pid=$(lxc-info -n wi-lxc -p -H)
check "the container's init ($pid) is in lxc.payload.wi-lxc" grep -qx "0::/lxc.payload.wi-lxc" /proc/"$pid"/cgroup
expect_pages "LXC container (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$(batch $W/fifo $W/out)"
check "lxc-cgroup: policy and a four-line mpol.weights, live" recipe lxc-cgroup
check "lxc-cgroup reads back: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $CG/lxc.payload.wi-lxc/mpol.policy) | $(grep . $RECIPE_OUT | cgfile /dev/stdin)" = "weighted-interleave:1-3 | 2 4 / 3 5"
expect_pages "same LXC container after lxc-cgroup (1:4:5)" "N0=0 N1=100 N2=400 N3=500" "$(batch $W/fifo $W/out)"
recipe lxc-bad
check "lxc-cgroup with weight 0 is refused: 'Failed to assign '3 0' value to 'mpol.weights' for 'wi-lxc''" \
	grep -qF "Failed to assign '3 0' value to 'mpol.weights' for 'wi-lxc'" $RECIPE_OUT
check "lxc-cgroup exited with status 1" grep -qx 'refused: exit status 1' $RECIPE_OUT
check "... and changed nothing: $(cgfile $CG/lxc.payload.wi-lxc/mpol.weights)" \
	test "$(cgfile $CG/lxc.payload.wi-lxc/mpol.weights)" = "2 4 / 3 5"
expect_pages "LXC container after the refused value" "N0=0 N1=100 N2=400 N3=500" "$(batch $W/fifo $W/out)"
check "the same init process ($pid) served every batch" test "$(lxc-info -n wi-lxc -p -H)" = "$pid"
lxc-stop -n wi-lxc -k
check "lxc-stop: the container's cgroup is gone" test ! -e $CG/lxc.payload.wi-lxc
rm -rf $L
finish
