#!/bin/bash
# docs/using-mpol.md section 4: crun 1.8.1 (Debian 12) sets mpol through OCI
# linux.resources.unified, multi-line mpol.weights values included (crun
# writes them in one write(), the kernel applies all lines or none); crun
# update changes a running container; a container moved to another cgroup
# follows it; the systemd cgroup manager.
. /harness/clients/lib.sh

grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
echo "crun: $(crun --version | head -n1)" | diag
W=/run/mpol-crun
rm -rf $W
mkdir -p $W/try $W/web/ctl $W/db/ctl
for d in try web db; do
	cp -a /harness/bundle-rootfs $W/$d/rootfs
done

# What crun 1.8.1 does where the docs say it fails (section 4, first list)
cd $W/try
crun spec
jq '.process.terminal = false | .process.args = ["/bin/pagecount", "10"]
    | .linux.cgroupsPath = "/mpol-noparent/try"
    | .linux.resources.unified = {"mpol.policy": "weighted-interleave:0-2"}' \
	config.json >c.json && mv c.json config.json
out=$(crun run try 2>&1)
echo "crun run, parent created by crun: $out" | diag
check "crun 1.8.1 does not enable mpol in a parent it creates: 'the requested cgroup controller \`mpol\` is not available'" \
	grep -qF 'the requested cgroup controller `mpol` is not available' <<<"$out"
echo "parent's subtree_control: $(cat $CG/mpol-noparent/cgroup.subtree_control)" | diag
crun delete -f try >/dev/null 2>&1
rmdir $CG/mpol-noparent/try $CG/mpol-noparent 2>/dev/null

check "crun-parent: create /mpol-demo with +mpol" recipe crun-parent
# crun run with a multi-line value that names a node twice: the kernel
# refuses the whole write (EINVAL), the container does not start
jq '.linux.cgroupsPath = "/mpol-demo/try"
    | .linux.resources.unified = {"mpol.policy": "weighted-interleave:0-2", "mpol.weights": "0 3\n1 2\n0 4"}' \
	config.json >c.json && mv c.json config.json
out=$(crun run try 2>&1)
rc=$?
echo "crun run, mpol.weights naming node 0 twice: rc=$rc: $out" | diag
check "crun run with node 0 twice in mpol.weights fails: 'writing file \`mpol.weights\`: Invalid argument'" \
	grep -qF 'writing file `mpol.weights`: Invalid argument' <<<"$out"
check "... and the container did not run (rc=$rc)" test "$rc" -ne 0 -a "$(grep -c '^N0=' <<<"$out")" -eq 0
crun delete -f try >/dev/null 2>&1
rmdir $CG/mpol-demo/try 2>/dev/null

# The documented path
cd $W/web
mkfifo ctl/fifo
check "crun-config: crun spec + unified" recipe crun-config
# test plumbing (the docs: "set .process.args to your program")
jq --arg ctl $W/web/ctl '.process.args = ["/bin/sh", "-c", "exec pagecount -f /ctl/fifo 1000 >/ctl/out"]
    | .mounts += [{"destination": "/ctl", "type": "bind", "source": $ctl, "options": ["rbind", "rw"]}]' \
	config.json >c.json && mv c.json config.json
check "crun-config: the unified value of mpol.weights has two lines" \
	test "$(jq -r '.linux.resources.unified["mpol.weights"]' config.json | cgfile /dev/stdin)" = "0 6 / 1 3"
check "crun-run: crun run --detach web" recipe crun-run
check "crun wrote mpol.policy and both lines of mpol.weights: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $CG/mpol-demo/web/mpol.policy) | $(cgfile $CG/mpol-demo/web/mpol.weights)" = "weighted-interleave:0-2 | 0 6 / 1 3"
check "crun-run's cat shows them" test "$(cgfile $RECIPE_OUT)" = "weighted-interleave:0-2 / 0 6 / 1 3"
# 1000 pages at 6:3:1: 100 whole cycles
expect_pages "container web (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$(batch ctl/fifo ctl/out)"
pid=$(crun state web | jq .pid)
check "crun-update: crun update --resources, two-line mpol.weights" recipe crun-update
check "mpol files after crun update (1 default, 3 3 applied): $(cgfile $CG/mpol-demo/web/mpol.weights)" \
	test "$(cgfile $CG/mpol-demo/web/mpol.policy) | $(cgfile $CG/mpol-demo/web/mpol.weights)" = "weighted-interleave:1-3 | 0 6 / 3 3"
# nodes 1-3 at 1:1:3: 200 whole cycles
expect_pages "same container after crun update (1:1:3)" "N0=0 N1=200 N2=200 N3=600" "$(batch ctl/fifo ctl/out)"
check "the same process ($pid) served both batches" test "$(crun state web | jq .pid)" = "$pid"
# all or nothing: a valid line ("1 4") and a bad one ("3 0")
recipe crun-bad-line
check "crun update with one bad line is refused: 'writing file \`mpol.weights\`: Numerical result out of range'" \
	grep -qF 'writing file `mpol.weights`: Numerical result out of range' $RECIPE_OUT
check "crun update exited non-zero" grep -qx 'refused: exit status [1-9][0-9]*' $RECIPE_OUT
check "... and changes nothing, not even the valid line: $(cgfile $CG/mpol-demo/web/mpol.weights)" \
	test "$(cgfile $CG/mpol-demo/web/mpol.weights)" = "0 6 / 3 3"
expect_pages "container after the refused update" "N0=0 N1=200 N2=200 N3=600" "$(batch ctl/fifo ctl/out)"
check "the same process ($pid) still runs" test "$(crun state web | jq -r .status) $(crun state web | jq .pid)" = "running $pid"
check "crun-move: the container's process into /mpol-demo/batch" recipe crun-move
check "the process is in /mpol-demo/batch" grep -qx "0::/mpol-demo/batch" /proc/$pid/cgroup
expect_pages "moved container (bind:3)" "N0=0 N1=0 N2=0 N3=1000" "$(batch ctl/fifo ctl/out)"
crun kill web KILL
crun delete -f web

# The systemd cgroup manager
cd $W/db
mkfifo ctl/fifo
recipe crun-config >/dev/null
jq --arg ctl $W/db/ctl '.process.args = ["/bin/sh", "-c", "exec pagecount -f /ctl/fifo 1000 >/ctl/out"]
    | .mounts += [{"destination": "/ctl", "type": "bind", "source": $ctl, "options": ["rbind", "rw"]}]' \
	config.json >c.json && mv c.json config.json
check "crun-systemd: crun --cgroup-manager=systemd, no sub-cgroup" recipe crun-systemd
check "the scope's mpol.policy" grep -qx weighted-interleave:0-2 $CG/machine.slice/mpol-db.scope/mpol.policy
check "the scope's mpol.weights: both lines" test "$(cgfile $CG/machine.slice/mpol-db.scope/mpol.weights)" = "0 6 / 1 3"
expect_pages "container db (systemd scope, 6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$(batch ctl/fifo ctl/out)"
crun kill db KILL
crun delete -f db
# without the annotation crun 1.8.1 uses a sub-cgroup "container"
jq '.process.args = ["/bin/pagecount", "10"] | del(.annotations["run.oci.systemd.subgroup"])' \
	config.json >c.json && mv c.json config.json
out=$(crun --cgroup-manager=systemd run db2 2>&1)
echo "crun --cgroup-manager=systemd without the annotation: $out" | diag
check "systemd manager with the default sub-cgroup: 'the requested cgroup controller \`mpol\` is not available'" \
	grep -qF 'the requested cgroup controller `mpol` is not available' <<<"$out"
crun delete -f db2 >/dev/null 2>&1
finish
