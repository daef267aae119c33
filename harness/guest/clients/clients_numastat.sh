#!/bin/bash
# docs/using-mpol.md section 2: numastat -p and numa_maps of a task placed
# by its cgroup (wi-demo from clients_echo: weighted-interleave:0-2, 3:1:1).
. /harness/clients/lib.sh

if [[ ! -d $CG/wi-demo ]]; then
	mkdir $CG/wi-demo
	echo weighted-interleave:0-2 >$CG/wi-demo/mpol.policy
	echo "0 3" >$CG/wi-demo/mpol.weights
fi
sh -c "echo \$\$ > $CG/wi-demo/cgroup.procs && exec pagecount -p 1000" >/run/hold.out &
holder=$!
for ((i = 0; i < 300; i++)); do
	[[ -s /run/hold.out ]] && break
	sleep 0.1
done
expect_pages "pagecount -p in wi-demo" "N0=600 N1=200 N2=200 N3=0" "$(cat /run/hold.out)"
check "numastat recipe" recipe numastat
out=$(cat $RECIPE_OUT)
maps=$(grep ' anon=1000 ' <<<"$out")
# the kernel's name of the mode in numa_maps has a blank (policy_modes[])
check "numa_maps shows the cgroup's policy: $maps" grep -q '^[0-9a-f]* weighted interleave:0-2 ' <<<"$maps"
check "numa_maps shows N0=600 N1=200 N2=200" grep -q ' N0=600 N1=200 N2=200 ' <<<"$maps"
# numastat -p: "Private" row, MB per node; the 1000 pages are 2.34/0.78/0.78
priv=$(awk '$1 == "Private" { print $2, $3, $4, $5 }' <<<"$out")
check "numastat -p Private row per node (MB): $priv" awk -v p="$priv" 'BEGIN {
	split(p, m, " ")
	exit !(m[1] >= 2.34 && m[2] >= 0.78 && m[3] >= 0.78 && m[3] < 1.5 && m[4] == 0)
}'
kill "$holder"
wait "$holder" 2>/dev/null
finish
