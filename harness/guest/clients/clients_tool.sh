#!/bin/bash
# docs/using-mpol.md section 2, mpol_show (tools/cgroup/mpol_show.c): its
# table against page-by-page counts. A pagecount server in /mpol-show
# (weighted-interleave:0-2, weights 6:3:1) faults 1000 pages per batch;
# mpol_show's pages per node (memory.numa_stat and numa_maps sources)
# must grow by exactly what pagecount counted with move_pages(2), and
# hold at least that much; its fallback count is mpol.events'; after a
# migration pass its counters are mpol.stat's and the pages per node
# are those of the new weights.
. /harness/clients/lib.sh
t0=$(date +%s.%N)
# phase NAME: seconds since the start, as a comment (where the time goes)
phase() { echo "# phase $1 at $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"; }

for c in cpuset memory mpol; do
	grep -qw $c $CG/cgroup.subtree_control || echo +$c >$CG/cgroup.subtree_control
done
S=$CG/mpol-show
W=/run/mpol-show
rm -rf $W
mkdir -p $W
mkfifo $W/fifo
rmdir $S/fb $S/app $S 2>/dev/null
# the policy on /mpol-show, the server in its leaf app (no processes in
# a cgroup that has controllers enabled for its children)
mkdir $S $S/app
echo "+cpuset +memory +mpol" >$S/cgroup.subtree_control
echo weighted-interleave:0-2 >$S/mpol.policy
printf '0 6\n1 3\n' >$S/mpol.weights
sh -c "echo \$\$ > $S/app/cgroup.procs && exec pagecount -f $W/fifo 1000" >$W/out &
server=$!
# kv SOURCE: mpol_show -k's pages of /mpol-show as "N0=.. N1=.."
kv() { mpol_show -k -m "$1" /mpol-show | grep -o ' N[0-9]*=[0-9]*' | tr -d ' ' | tr '\n' ' ' | sed 's/ $//'; }
# nodes 0-3 only (node 4 is offline: mpol_show shows online nodes)
sub() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, A, " "); split(b, B, " ")
		for (i = 1; i <= n; i++) {
			split(A[i], x, "="); split(B[i], y, "=")
			printf "%s%s=%d", (i > 1 ? " " : ""), x[1], x[2] - y[2]
		}
	}'
}
# at_least ACTUAL MIN SLACK: every node of ACTUAL >= MIN and <= MIN+SLACK
at_least() {
	awk -v a="$1" -v m="$2" -v s="$3" 'BEGIN {
		n = split(a, A, " "); if (split(m, M, " ") != n) exit 1
		for (i = 1; i <= n; i++) {
			split(A[i], x, "="); split(M[i], y, "=")
			if (x[1] != y[1] || x[2] < y[2] || x[2] > y[2] + s) exit 1
		}
	}'
}
phase server
first=$(batch $W/fifo $W/out)
expect_pages "pagecount's first batch (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$first"
sleep 2.5	# memory.numa_stat: the periodic memcg stat flush (2 s)
m1=$(kv memcg)
p1=$(kv numa_maps)
echo "mpol_show after batch 1: memcg $m1 | numa_maps $p1" | diag
second=$(batch $W/fifo $W/out)
expect_pages "pagecount's second batch" "N0=600 N1=300 N2=100 N3=0" "$second"
sleep 2.5
check "mpol-show: the table of /mpol-show" recipe mpol-show
m2=$(kv memcg)
p2=$(kv numa_maps)
echo "mpol_show after batch 2: memcg $m2 | numa_maps $p2" | diag
# what the tool added between the batches = pagecount's count of batch 2
expect_pages "mpol_show (numa_maps) grew by pagecount's batch" "$second N4=0" "$(sub "$p2" "$p1")" 2
expect_pages "mpol_show (memory.numa_stat) grew by pagecount's batch" "$second N4=0" "$(sub "$m2" "$m1")" 4
# the process's own text, stack, heap and page cache come on top (about
# 100 pages on node 0 measured): at most 200 pages a node
both=$(awk -v a="$first" -v b="$second" 'BEGIN { n = split(a, A, " "); split(b, B, " ")
	for (i = 1; i <= n; i++) { split(A[i], x, "="); split(B[i], y, "="); printf "%s%s=%d", (i > 1 ? " " : ""), x[1], x[2] + y[2] } }')
check "mpol_show (numa_maps) holds both batches ($both) and at most 200 pages a node more: $p2" \
	at_least "$p2" "$both N4=0" 200
check "mpol_show (memory.numa_stat) holds both batches and at most 200 pages a node more: $m2" \
	at_least "$m2" "$both N4=0" 200
# the watch: -w 0.5 -c 3 prints three tables with a time stamp each
out=$(mpol_show -w 0.5 -c 3 /mpol-show)
check "mpol_show -w 0.5 -c 3: three refreshes of the table" \
	test "$(grep -c '(every 0.5s)$' <<<"$out") $(grep -c '^/mpol-show ' <<<"$out")" = "3 3"
row=$(mpol_show -k /mpol-show)
echo "$row" | diag
check "mpol_show shows the effective policy and weights (0:1:2:3:4 = 6:3:1:1:1)" \
	grep -q "^/mpol-show policy=weighted-interleave:0-2 inherited=0 weights=6:3:1:1:1 source=memcg " <<<"$row"
check "the table has the cgroup's row: $(grep mpol-show $RECIPE_OUT)" \
	grep -Eq '^/mpol-show +weighted-interleave:0-2 +6:3:1:1:1 +memcg ' $RECIPE_OUT
phase counts
# fallback: bind:0 in a child whose cpuset allows node 1 only
mkdir $S/fb
echo 1 >$S/fb/cpuset.mems
echo bind:0 >$S/fb/mpol.policy
phase fb-made
sh -c "echo \$\$ > $S/fb/cgroup.procs && exec pagecount 100" | diag
phase fb-pagecount
fb=$(awk '$1 == "fallback" { print $2 }' $S/fb/mpol.events)
row=$(mpol_show -k /mpol-show/fb)
echo "$row" | diag
phase fb-show
check "mpol_show's fallback is mpol.events' ($fb, at least 100) and the policy is inherited=0" \
	bash -c "[ $fb -ge 100 ] && grep -q ' fallback=$fb ' <<<'$row' && grep -q 'policy=bind:0 inherited=0' <<<'$row'"
row=$(mpol_show -k /mpol-show/app)
check "/mpol-show/app inherits: policy weighted-interleave:0-2 inherited=1" \
	grep -q "^/mpol-show/app policy=weighted-interleave:0-2 inherited=1 weights=6:3:1:1:1 " <<<"$row"
check "without CGROUP mpol_show lists the cgroups that set a policy: $(mpol_show -k | awk '{ print $1 }' | grep '^/mpol-show' | tr '\n' ' ')" \
	test "$(mpol_show -k | awk '{ print $1 }' | grep '^/mpol-show' | tr '\n' ' ')" = "/mpol-show /mpol-show/fb "
rmdir $S/fb
phase fallback
# migration on /mpol-show (app inherits it): the pages follow a weight
# change of /mpol-show; the counters are those of app's mpol.stat
echo on >$S/mpol.migrate
n=$(awk '$1 == "migrate_passes_completed" { print $2 }' $S/app/mpol.stat)
sed 's/^/mpol.stat before: /' $S/app/mpol.stat | diag
printf '0 1\n2 8\n' >$S/mpol.weights
for ((i = 0; i < 600; i++)); do
	awk -v n="$n" '{ s[$1] = $2 } END { exit !(s["migrate_active"] == 0 && s["migrate_passes_completed"] > n) }' $S/app/mpol.stat && break
	sleep 0.1
done
sleep 2.5
row=$(mpol_show -k /mpol-show/app)
echo "$row" | diag
sed 's/^/mpol.stat: /' $S/app/mpol.stat | diag
moved=$(awk '$1 == "migrate_moved" { print $2 }' $S/app/mpol.stat)
failed=$(awk '$1 == "migrate_failed" { print $2 }' $S/app/mpol.stat)
started=$(awk '$1 == "migrate_passes_started" { print $2 }' $S/app/mpol.stat)
done_=$(awk '$1 == "migrate_passes_completed" { print $2 }' $S/app/mpol.stat)
check "mpol_show's migration counters are mpol.stat's (moved $moved > 0, failed $failed, passes $done_/$started)" \
	bash -c "[ $moved -gt 0 ] && grep -Eq ' migrate=on[^ ]* moved=$moved failed=$failed passes=$done_/$started$' <<<'$row'"
# 2000 pages at 1:3:8 over nodes 0-2: about N0=167 N1=500 N2=1333 (two
# mappings, each within one weight cycle of 12), plus the other pages
pm=$(kv numa_maps)
check "after the pass mpol_show (numa_maps) shows 1:3:8 (2000 pages + at most 200 a node): $pm" \
	at_least "$pm" "N0=155 N1=488 N2=1321 N3=0 N4=0" 224
phase migration
kill $server
wait $server 2>/dev/null
rmdir $S/app $S
phase stopped
# a threaded cgroup (no readable cgroup.procs, no memcg): the numa_maps of
# the process of its thread, counted once
T=$CG/mpol-thr
rmdir $T/t $T 2>/dev/null
mkdir $T $T/t
echo +mpol >$T/cgroup.subtree_control
echo threaded >$T/t/cgroup.type
echo bind:3 >$T/t/mpol.policy
sh -c "echo \$\$ > $T/cgroup.procs && echo \$\$ > $T/t/cgroup.threads && exec pagecount -p 500" >$W/thr.out &
thr=$!
for ((i = 0; i < 300; i++)); do
	[[ -s $W/thr.out ]] && break
	sleep 0.1
done
echo "threaded: $(cat $T/t/cgroup.type), pagecount: $(cat $W/thr.out)" | diag
row=$(mpol_show -k /mpol-thr/t)
echo "$row" | diag
tp=$(grep -o ' N[0-9]*=[0-9]*' <<<"$row" | tr -d ' ' | tr '\n' ' ' | sed 's/ $//')
check "a threaded cgroup: source numa_maps (no memcg there)" grep -q ' source=maps ' <<<"$row"
check "... pages of its process counted once: 500 on node 3 and at most 200 a node more: $tp" \
	at_least "$tp" "N0=0 N1=0 N2=0 N3=500 N4=0" 200
phase threaded
kill $thr
wait $thr 2>/dev/null
rmdir $T/t $T
finish
