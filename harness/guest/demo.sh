#!/bin/sh
# The `make demo` script, run inside the VM. Extend freely.
# Output goes to the terminal of `make demo` (ttyS1 -> stdout).
N=/sys/devices/system/node
WI=/sys/kernel/mm/mempolicy/weighted_interleave
CG=/sys/fs/cgroup
PAGES=${PAGES:-1200}

hdr() { echo; echo "=== $* ==="; }

hdr "NUMA topology"
echo "online nodes: $(cat $N/online)   with CPUs: $(cat $N/has_cpu)   with memory: $(cat $N/has_memory)"
printf '  %-6s %-8s %-10s %s\n' node cpus memory "distances"
for d in $N/node[0-9]*; do
	n=${d##*node}
	mb=$(awk '/MemTotal/ {printf "%d MiB", $4 / 1024}' $d/meminfo)
	cpus=$(cat $d/cpulist); [ -n "$cpus" ] || cpus=-
	printf '  %-6s %-8s %-10s %s\n' "node$n" "$cpus" "$mb" "$(cat $d/distance)"
done

hdr "HMAT access attributes (access0 = best initiator)"
printf '  %-6s %-12s %-14s %-14s %-16s %s\n' target initiators read_lat_ns write_lat_ns read_bw_MBps write_bw_MBps
for d in $N/node[0-9]*; do
	a=$d/access0/initiators
	[ -d $a ] || continue
	inits=$(cd $a && ls -d node* 2>/dev/null | tr '\n' ' ')
	printf '  %-6s %-12s %-14s %-14s %-16s %s\n' "node${d##*node}" "${inits:-?}" \
		"$(cat $a/read_latency)" "$(cat $a/write_latency)" "$(cat $a/read_bandwidth)" "$(cat $a/write_bandwidth)"
done

hdr "global weighted interleave weights ($WI)"
if [ ! -d $WI ]; then
	echo "  $WI missing: kernel without weighted interleave?"
	exit 0
fi
show_weights() { for f in $WI/node*; do printf '  %s=%s' "${f##*/}" "$(cat $f)"; done; echo; }
show_weights

hdr "task policy: set_mempolicy(MPOL_WEIGHTED_INTERLEAVE) with the global weights"
wi_demo -w -n $PAGES -l "weights as booted"
echo 3 >$WI/node0; echo 1 >$WI/node1; echo 1 >$WI/node2; echo 1 >$WI/node3
printf '  set global weights 3:1:1:1 ->'; show_weights
wi_demo -w -n $PAGES -l "global weights 3:1:1:1"
echo "  (no policy set: default local allocation)"
wi_demo -n $PAGES -l "no task policy"

hdr "cgroup policy (mpol controller)"
if ! grep -qw mpol $CG/cgroup.controllers; then
	echo "  the mpol controller is not in $CG/cgroup.controllers: kernel without the mpol patches; skipping"
	exit 0
fi
grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
mkdir -p $CG/demo
run() { echo "  # $*"; sh -c "$*" || echo "  (failed: $?)"; }
run "echo weighted-interleave > $CG/demo/mpol.policy"
run "echo '0 3' > $CG/demo/mpol.weights"
run "echo '1 1' > $CG/demo/mpol.weights"
run "echo '2 1' > $CG/demo/mpol.weights"
for f in mpol.policy mpol.weights mpol.policy.effective mpol.weights.effective; do
	[ -e $CG/demo/$f ] && echo "  $f: $(cat $CG/demo/$f | tr '\n' ' ')"
done
echo "  running wi_demo in cgroup 'demo' WITHOUT a task policy:"
rm -f /tmp/go /tmp/go.ready
sh -c "echo \$\$ > $CG/demo/cgroup.procs && exec wi_demo -n $PAGES -g /tmp/go -l 'cgroup weights 0:3 1:1 2:1 (3: global 1)' -L 'same task after: 0:1 1:1 2:4 (3: global 1)'" &
pid=$!
# wait for phase 1 to finish
i=0
while [ $i -lt 600 ] && [ ! -e /tmp/go.ready ]; do sleep 0.1; i=$((i + 1)); done
run "echo '0 1' > $CG/demo/mpol.weights"
run "echo '2 4' > $CG/demo/mpol.weights"
echo "  mpol.weights.effective: $(cat $CG/demo/mpol.weights.effective 2>/dev/null | tr '\n' ' ')"
touch /tmp/go
wait $pid
echo "  (same task, no restart: new pages follow the new weights)"

hdr "per-node placement with the usual tools: /proc/PID/numa_maps"
# (numastat -p needs numactl, which this busybox VM lacks; `make clients`
# shows it in the Debian VM, see docs/using-mpol.md)
if [ -x /harness/bin/pagecount ]; then
	rm -f /tmp/hold.out
	# 700 pages: a multiple of the weight total 1+1+4+1
	sh -c "echo \$\$ > $CG/demo/cgroup.procs && exec pagecount -p 700" >/tmp/hold.out &
	pid=$!
	i=0
	while [ $i -lt 300 ] && [ ! -s /tmp/hold.out ]; do sleep 0.1; i=$((i + 1)); done
	echo "  pagecount (pid $pid) in cgroup 'demo', no task policy: $(cat /tmp/hold.out)"
	echo "  # grep ' anon=700 ' /proc/$pid/numa_maps"
	grep ' anon=700 ' /proc/$pid/numa_maps | sed 's/^/  /'
	echo "  the whole process per node, summed from numa_maps (as numastat -p does):"
	awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split($i, a, "="); n[a[1]] += a[2] } }
	     END { for (k in n) printf "    %s %6d pages %7.2f MiB\n", k, n[k], n[k] * 4 / 1024 }' \
		/proc/$pid/numa_maps | sort
	if [ -x /harness/bin/mpol_show ]; then
		hdr "mpol_show: what the policy did, per cgroup (tools/cgroup/mpol_show.c)"
		echo "  # mpol_show        (every cgroup that sets a policy or weights; '^': inherited)"
		mpol_show | sed 's/^/  /'
		echo "  # mpol_show -m numa_maps -w 1 -c 2 /demo   (pages from the members' numa_maps; a watch, 2 refreshes)"
		mpol_show -m numa_maps -w 1 -c 2 /demo | sed 's/^/  /'
	fi
	kill $pid
fi
