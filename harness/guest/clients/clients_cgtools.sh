#!/bin/bash
# docs/using-mpol.md section 3: cgroup-tools (libcgroup 2.0.2) on mpol.
. /harness/clients/lib.sh

grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
echo "libcgroup: $(dpkg-query -W -f='${Version}' cgroup-tools)" | diag
check "cgtools-create: cgcreate -g mpol:, cgset, cgget" recipe cgtools-create
check "cgset wrote mpol.policy" test "$(cat $CG/wi-tools/mpol.policy)" = weighted-interleave:0-2
check "cgset wrote mpol.weights" test "$(cat $CG/wi-tools/mpol.weights)" = "0 3"
check "cgget -r shows both values" \
	grep -qxF "mpol.policy: weighted-interleave:0-2" $RECIPE_OUT
check "cgget -g mpol lists mpol.weights.effective" grep -q "^mpol.weights.effective: 0 3" $RECIPE_OUT
recipe cgtools-run
expect_pages "cgtools-run: cgexec -g mpol:wi-tools" "N0=600 N1=200 N2=200 N3=0" "$(tail -n1 $RECIPE_OUT)"
# libcgroup writes a multi-line value line by line, one write() each
check "cgtools-weights: a two-line cgset -r mpol.weights" recipe cgtools-weights
check "both lines were written: $(cgfile $CG/wi-tools/mpol.weights)" \
	test "$(cgfile $CG/wi-tools/mpol.weights)" = "0 3 / 1 2 / 2 2"
recipe cgtools-run
expect_pages "cgexec after the weights 3:2:2 (1000 pages, cycle 7)" "N0=429 N1=286 N2=286 N3=0" "$(tail -n1 $RECIPE_OUT)" 7
check "cgtools-delete: cgdelete" recipe cgtools-delete
check "the cgroup is gone" test ! -d $CG/wi-tools
finish
