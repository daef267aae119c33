#!/bin/bash
# docs/using-mpol.md section 1: the echo recipes, and where pages land.
. /harness/clients/lib.sh

check "echo-enable: +mpol in the root's subtree_control" recipe echo-enable
check "echo-create: policy and one weight override" recipe echo-create
check "mpol.policy.effective is weighted-interleave:0-2" \
	test "$(cat $CG/wi-demo/mpol.policy.effective)" = weighted-interleave:0-2
check "mpol.weights.effective starts 0 3 / 1 1 / 2 1 / 3 1" \
	grep -qx "0 3 / 1 1 / 2 1 / 3 1.*" <<<"$(cgfile $CG/wi-demo/mpol.weights.effective)"
recipe echo-run
expect_pages "echo-run: a task in wi-demo" "N0=600 N1=200 N2=200 N3=0" "$(tail -n1 $RECIPE_OUT)"
check "echo-change: weights 0 default, 2 3 in one write" recipe echo-change
check "both lines applied: mpol.weights is '$(cgfile $CG/wi-demo/mpol.weights)'" \
	test "$(cgfile $CG/wi-demo/mpol.weights)" = "2 3"
recipe echo-run
expect_pages "echo-run after the change" "N0=200 N1=200 N2=600 N3=0" "$(tail -n1 $RECIPE_OUT)"
# the numastat test reuses wi-demo with the recipe's first weights
echo "0 3" >$CG/wi-demo/mpol.weights
echo "2 default" >$CG/wi-demo/mpol.weights
finish
