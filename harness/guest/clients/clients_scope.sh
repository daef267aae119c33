#!/bin/bash
# docs/using-mpol.md section 7: mpol.scope for a systemd service. With
# "anon" the service's anonymous pages follow weighted-interleave:0-3 and
# the page cache that a member process reads stays on the node of its CPU
# (counted in the cgroup's memory.numa_stat); with "all" the same read is
# interleaved. Runs after clients_systemd (mpol-enable.service) and before
# clients_recipes.
. /harness/clients/lib.sh

SVC=$CG/system.slice/anon-app.service
FILE=/var/tmp/scope-file
MB=32

if ! systemctl -q is-active mpol-enable.service; then
	check "systemd-enable (clients_systemd did not run first)" recipe systemd-enable
fi
rm -f /run/anon-app.out
check "scope-service: anon-app.service with mpol.scope anon" recipe scope-service
check "scope-service prints 'anon'" test "$(tail -n1 $RECIPE_OUT)" = anon
check "the root's mpol.scope.effective is all" test "$(cat $CG/mpol.scope.effective)" = all
for i in $(seq 300); do [[ -s /run/anon-app.out ]] && break; sleep 0.1; done
expect_pages "anon-app.service (weighted-interleave:0-3, scope anon)" \
	"N0=300 N1=300 N2=300 N3=300" "$(cat /run/anon-app.out)"

# fstat NODE: the cgroup's page cache on NODE, in KiB (memory.numa_stat;
# the node's FilePages where systemd did not enable memcg for the service)
fstat() {
	if [[ -f $SVC/memory.numa_stat ]]; then
		awk -v n="N$1" '$1 == "file" { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == n) print int(a[2] / 1024) } }' $SVC/memory.numa_stat
	else
		awk '$3 == "FilePages:" { print $4 }' /sys/devices/system/node/node$1/meminfo
	fi
}
# readin: read $FILE, after dropping it from the page cache, in a process
# of the service's cgroup on CPU 0 (node 0); prints the KiB of page cache
# the cgroup gained on nodes 0 1 2 3
readin() {
	local b0 b1 b2 b3
	sync
	echo 1 >/proc/sys/vm/drop_caches
	b0=$(fstat 0) b1=$(fstat 1) b2=$(fstat 2) b3=$(fstat 3)
	bash -c "echo \$\$ > $SVC/cgroup.procs && exec taskset -c 0 cat $FILE" >/dev/null
	echo "$(($(fstat 0) - b0)) $(($(fstat 1) - b1)) $(($(fstat 2) - b2)) $(($(fstat 3) - b3))"
}
dd if=/dev/urandom of=$FILE bs=1M count=$MB status=none
[[ -f $SVC/memory.numa_stat ]] || echo "no memory.numa_stat in anon-app.service: counting the nodes' FilePages" | diag
kb=$((MB * 1024))

got=$(readin)
echo "scope anon: page cache of a $MB MiB read on CPU 0, KiB per node 0-3: $got" | diag
read -r f0 f1 f2 f3 <<<"$got"
check "scope anon: at least 90% of the read's page cache on node 0 ($f0 of $kb KiB)" \
	test "$f0" -ge $((kb * 9 / 10))
check "scope anon: nodes 1-3 got under 2% of it ($f1 $f2 $f3 KiB)" \
	test $((f1 + f2 + f3)) -lt $((kb / 50))

check "scope-all: back to scope all" recipe scope-all
check "mpol.scope.effective is all" test "$(cat $SVC/mpol.scope.effective)" = all
got=$(readin)
echo "scope all: page cache of a $MB MiB read on CPU 0, KiB per node 0-3: $got" | diag
read -r f0 f1 f2 f3 <<<"$got"
# weighted-interleave with weights 1: a quarter of the pages per node
for n in 1 2 3; do
	v=$((n == 1 ? f1 : n == 2 ? f2 : f3))
	check "scope all: node $n got a fifth to a third of the read ($v of $kb KiB)" \
		test "$v" -ge $((kb / 5)) -a "$v" -le $((kb / 3))
done

systemctl stop anon-app.service
rm -f /etc/systemd/system/anon-app.service $FILE
systemctl daemon-reload
finish
