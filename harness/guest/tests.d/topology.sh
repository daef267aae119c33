#!/bin/sh
# Check the VM's NUMA topology against harness/topology.sh (via
# /harness/topology.env): nodes exist, CPU-less memory nodes, HMAT parsed:
# the access0 bandwidth of every node and, while the boot log is still in
# the kernel's ring buffer, every initiator/target bandwidth the kernel
# parsed (TOPO_HMAT_BW, TOPO_HOTPLUG_HMAT). Booted with numa=nohmat: no
# HMAT data anywhere.
. /harness/topology.env
N=/sys/devices/system/node
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=1; echo "not ok $n $1"; [ -n "${2:-}" ] && echo "# $2"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
nohmat=0
case " $(cat /proc/cmdline) " in *" numa=nohmat "*) nohmat=1 ;; esac

echo "TAP version 13"
echo "# topology ${TOPO_NAME:-default}$([ $nohmat = 1 ] && echo ', booted with numa=nohmat')"
if [ $nohmat = 1 ]; then
	echo "1..7"
else
	echo "1..$((7 + 2 * $(echo $TOPO_CPULESS_NODES | wc -w)))"
fi

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

if [ $nohmat = 1 ]; then
	with=
	for x in $TOPO_ALL_NODES; do [ -e $N/node$x/access0 ] && with="$with node$x"; done
	[ -z "$with" ] && ok "numa=nohmat: no node has HMAT access classes" ||
		nok "numa=nohmat: no node has HMAT access classes" "with access0:$with"
	if dmesg | grep -q 'acpi/hmat: Locality'; then
		nok "numa=nohmat: the kernel parsed no HMAT locality" "$(dmesg | grep 'acpi/hmat' | head -n 5)"
	else
		ok "numa=nohmat: the kernel parsed no HMAT locality"
	fi
	exit $fail
fi

# the bandwidth of pair I:T in TOPO_HMAT_BW/TOPO_HOTPLUG_HMAT (MB/s), or 0
bw() {
	for e in $TOPO_HMAT_BW $TOPO_HOTPLUG_HMAT; do
		case $e in "$1:$2:"*) echo "${e##*:}"; return ;; esac
	done
	echo 0
}
# access0 (the best initiator) of every node: its bandwidth is the best
# of any initiator's to it
bad=
for x in $TOPO_ALL_NODES; do
	best=0
	for i in $TOPO_CPU_NODES; do
		b=$(bw $i $x)
		[ "$b" -gt $best ] && best=$b
	done
	a=$N/node$x/access0/initiators
	r=$(cat $a/read_bandwidth 2>/dev/null) w=$(cat $a/write_bandwidth 2>/dev/null)
	[ "$r" = $best ] && [ "$w" = $best ] || bad="$bad node$x:read=${r:-none},write=${w:-none},expected=$best"
done
[ -z "$bad" ] && ok "access0 read/write bandwidth of nodes $TOPO_ALL_NODES as TOPO_HMAT_BW's best" ||
	nok "access0 read/write bandwidth of nodes $TOPO_ALL_NODES as TOPO_HMAT_BW's best" "$bad"
# every pair, from the boot log ("acpi/hmat:   Initiator-Target[0-2]:8192 MB/s";
# the proximity domains are the node numbers in QEMU)
got=$(dmesg | sed -n 's/.*Initiator-Target\[\([0-9]*\)-\([0-9]*\)\]:\([0-9]*\) MB\/s.*/\1:\2:\3/p' | sort | tr '\n' ' ')
want=$(for e in $TOPO_HMAT_BW $TOPO_HOTPLUG_HMAT; do echo $e; done | sort | tr '\n' ' ')
if [ -z "$got" ] && ! dmesg | grep -q 'Linux version'; then
	skip "HMAT bandwidth of every initiator/target pair" "the boot log is no longer in the kernel's ring buffer"
elif [ "$got" = "$want" ]; then
	ok "HMAT bandwidth of every initiator/target pair ($(echo $want | wc -w) pairs)"
else
	nok "HMAT bandwidth of every initiator/target pair" "boot log: $got; topology.env: $want"
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
