#!/bin/sh
# Check the VM's NUMA topology against harness/topology.sh (via
# /harness/topology.env): nodes exist, CPU-less memory nodes, HMAT parsed.
. /harness/topology.env
N=/sys/devices/system/node
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=1; echo "not ok $n $1"; [ -n "${2:-}" ] && echo "# $2"; }

echo "TAP version 13"
echo "1..$((5 + 2 * $(echo $TOPO_CPULESS_NODES | wc -w)))"

online=$(cat $N/online)
echo "# online nodes: $online; has_cpu: $(cat $N/has_cpu); has_memory: $(cat $N/has_memory)"
missing=
for x in $TOPO_ALL_NODES; do [ -d $N/node$x ] || missing="$missing node$x"; done
[ -z "$missing" ] && ok "nodes $TOPO_ALL_NODES exist" || nok "nodes $TOPO_ALL_NODES exist" "missing:$missing"

bad=
for x in $TOPO_ALL_NODES; do
	kb=$(awk '/MemTotal/ {print $4}' $N/node$x/meminfo)
	echo "# node$x: MemTotal ${kb} kB, cpus '$(cat $N/node$x/cpulist)'"
	[ "${kb:-0}" -gt 0 ] || bad="$bad node$x"
done
[ -z "$bad" ] && ok "every node has memory" || nok "every node has memory" "no memory:$bad"

bad=
for x in $TOPO_CPULESS_NODES; do [ -z "$(cat $N/node$x/cpulist)" ] || bad="$bad node$x"; done
[ -z "$bad" ] && ok "nodes $TOPO_CPULESS_NODES have no CPUs" || nok "nodes $TOPO_CPULESS_NODES have no CPUs" "with cpus:$bad"

bad=
for x in $TOPO_CPU_NODES; do [ -n "$(cat $N/node$x/cpulist)" ] || bad="$bad node$x"; done
[ -z "$bad" ] && ok "nodes $TOPO_CPU_NODES have CPUs" || nok "nodes $TOPO_CPU_NODES have CPUs" "without cpus:$bad"

if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
	ok "weighted_interleave sysfs present"
else
	nok "weighted_interleave sysfs present"
fi

for x in $TOPO_CPULESS_NODES; do
	a=$N/node$x/access0/initiators
	if [ -r $a/read_latency ] && [ -r $a/read_bandwidth ]; then
		ok "node$x HMAT access0: read_latency=$(cat $a/read_latency) read_bandwidth=$(cat $a/read_bandwidth)"
	else
		nok "node$x HMAT access0 attributes" "$(ls $N/node$x/ 2>&1 | tr '\n' ' ')"
	fi
	inits=$(cd $a 2>/dev/null && ls -d node* 2>/dev/null | tr '\n' ' ')
	if [ -n "$inits" ]; then
		ok "node$x HMAT initiators: $inits"
	else
		nok "node$x HMAT initiators"
	fi
done
exit $fail
