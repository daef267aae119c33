#!/bin/bash
# docs/using-mpol.md section 4, runc: runc 1.1.5 (Debian 12) sets mpol
# through OCI linux.resources.unified (multi-line mpol.weights included),
# enables mpol in the parent cgroups it creates, `runc update --resources`
# changes a running container (unified is read although --help does not
# list it), a bad line is refused as a whole, and the systemd cgroup
# driver works without preparation. Pages counted per node each time.
. /harness/clients/lib.sh

grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
echo "runc: $(runc --version | head -n1)" | diag
W=/run/mpol-runc
rm -rf $W
mkdir -p $W/web/ctl $W/db/ctl
cp -a /harness/bundle-rootfs $W/web/rootfs
cp -a /harness/bundle-rootfs $W/db/rootfs
# plumbing of the tests (the docs: "set .process.args"): the pagecount
# server, its FIFO and output in a host directory bound on /ctl
plumb() {
	jq --arg ctl "$1" '.process.args = ["/bin/sh", "-c", "exec pagecount -f /ctl/fifo 1000 >/ctl/out"]
	    | .mounts += [{"destination": "/ctl", "type": "bind", "source": $ctl, "options": ["rbind", "rw"]}]' \
		config.json >c.json && mv c.json config.json
}

cd $W/web || exit 1
mkfifo ctl/fifo
check "runc-config: runc spec + unified" recipe runc-config
plumb $W/web/ctl
check "/mpol-runc does not exist before runc run" test ! -e $CG/mpol-runc
check "runc-run: runc run --detach web" recipe runc-run
echo "subtree_control of /mpol-runc (created by runc): $(cat $CG/mpol-runc/cgroup.subtree_control)" | diag
check "runc 1.1.5 enabled mpol in the parent it created: $(cat $CG/mpol-runc/cgroup.subtree_control)" \
	grep -qw mpol $CG/mpol-runc/cgroup.subtree_control
check "runc wrote mpol.policy and both lines of mpol.weights: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $RECIPE_OUT)" = "weighted-interleave:0-2 / 0 6 / 1 3"
# 1000 pages at 6:3:1: 100 whole cycles
expect_pages "runc container web (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$(batch ctl/fifo ctl/out)"
pid=$(runc state web | jq .pid)
runc update --help 2>&1 | grep -q unified && u=listed || u="not listed"
echo "runc update --help: unified $u" | diag
check "runc-update: runc update --resources with unified" recipe runc-update
check "mpol files after runc update: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $RECIPE_OUT)" = "weighted-interleave:1-3 / 0 6 / 3 3"
expect_pages "same runc container after runc update (1:1:3)" "N0=0 N1=200 N2=200 N3=600" "$(batch ctl/fifo ctl/out)"
check "the same process ($pid) served both batches" test "$(runc state web | jq .pid)" = "$pid"
recipe runc-bad-line
# runc logs in logfmt when its stderr is no terminal (quotes escaped)
refused() {
	grep -F 'level=error msg="unable to set unified resource \"mpol.weights\"' $RECIPE_OUT |
		grep -qF "write $CG/mpol-runc/web/mpol.weights: numerical result out of range"
}
check "runc update with one bad line is refused: 'unable to set unified resource \"mpol.weights\": failed to write ... numerical result out of range'" \
	refused
check "runc update exited with status 1" grep -qx 'refused: exit status 1' $RECIPE_OUT
check "... and changed nothing: $(cgfile $CG/mpol-runc/web/mpol.weights)" \
	test "$(cgfile $CG/mpol-runc/web/mpol.weights)" = "0 6 / 3 3"
expect_pages "runc container after the refused update" "N0=0 N1=200 N2=200 N3=600" "$(batch ctl/fifo ctl/out)"
check "the container still runs ($pid)" test "$(runc state web | jq -r .status) $(runc state web | jq .pid)" = "running $pid"
runc kill web KILL
sleep 0.5
runc delete -f web

# the systemd cgroup driver
cd $W/db || exit 1
mkfifo ctl/fifo
recipe runc-config >/dev/null
plumb $W/db/ctl
check "runcdemo.slice does not exist before runc run" test ! -e $CG/runcdemo.slice
check "runc-systemd: runc --systemd-cgroup run --detach db" recipe runc-systemd
check "runc enabled mpol in the new slice: $(head -n1 $CG/runcdemo.slice/cgroup.subtree_control)" \
	grep -qw mpol $CG/runcdemo.slice/cgroup.subtree_control
check "the scope's mpol.policy: $(grep -v level= $RECIPE_OUT | tail -n1)" grep -qx weighted-interleave:0-2 $RECIPE_OUT
check "the scope's mpol.weights: both lines" \
	test "$(cgfile $CG/runcdemo.slice/mpol-db.scope/mpol.weights)" = "0 6 / 1 3"
check "no sub-cgroup: the container's process is in the scope" \
	grep -qx "0::/runcdemo.slice/mpol-db.scope" /proc/"$(runc state db | jq .pid)"/cgroup
expect_pages "runc container db (systemd scope, 6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$(batch ctl/fifo ctl/out)"
runc kill db KILL
sleep 0.5
runc delete -f db
finish
