#!/bin/bash
# docs/using-mpol.md section 6: mpol.migrate moves the resident pages of a
# running systemd service: migration turned on in ExecStartPre=, a rate, a
# policy change waited for through mpol.stat, a one-shot "pass" after node
# 4's memory comes online, and the pages of a process with its own task
# policy staying where they are. Runs after clients_systemd (which enabled
# mpol-enable.service) and before clients_recipes; it onlines node 4 and
# offlines it again at the end.
. /harness/clients/lib.sh

SS=$CG/system.slice
MIG=$SS/mig-app.service
HP=/sys/devices/system/node/node4
KEYS="migrate_passes_started migrate_passes_completed migrate_passes_aborted migrate_active migrate_scanned migrate_placed migrate_moved migrate_skipped migrate_skipped_policy migrate_skipped_shared migrate_skipped_pinned migrate_failed"

# mstat KEY: one entry of mig-app's mpol.stat
mstat() { awk -v k="$1" '$1 == k { print $2 }' $MIG/mpol.stat; }
# settle: up to 60 s until no pass runs in mig-app and none started for
# 0.3 s (a queued pass counts as started only once the worker runs it)
settle() {
	local i cur prev=none
	for ((i = 0; i < 200; i++)); do
		cur="$(mstat migrate_active) $(mstat migrate_passes_started)"
		[[ $cur == "0 "* && $cur == "$prev" ]] && return 0
		prev=$cur
		sleep 0.3
	done
	return 1
}
# passes_after N: up to 60 s until no pass runs and more than N completed
passes_after() {
	local i
	for ((i = 0; i < 600; i++)); do
		[[ $(mstat migrate_active) == 0 && $(mstat migrate_passes_completed) -gt $1 ]] && return 0
		sleep 0.1
	done
	return 1
}
# invariants WHEN: the three sums of the docs hold in one read
invariants() {
	local s
	s=$(cat $MIG/mpol.stat)
	echo "mpol.stat: $(tr '\n' ' ' <<<"$s")" | diag
	check "$1: mpol.stat invariants (scanned, skipped, started)" awk '{ v[$1] = $2 } END {
		exit !(v["migrate_scanned"] == v["migrate_placed"] + v["migrate_moved"] + v["migrate_skipped"] + v["migrate_failed"] &&
		       v["migrate_skipped"] == v["migrate_skipped_policy"] + v["migrate_skipped_shared"] + v["migrate_skipped_pinned"] &&
		       v["migrate_passes_started"] == v["migrate_passes_completed"] + v["migrate_passes_aborted"] + v["migrate_active"])
	}' <<<"$s"
}
# nodes PID: the per-node counts of pagecount's 1200-page mapping
nodes() { grep ' anon=1200 ' "/proc/$1/numa_maps" | grep -o ' N[0-9]*=[0-9]*' | tr -d '\n' | sed 's/^ //'; }
# wait_out FILE: up to 30 s for FILE to be non-empty
wait_out() {
	local i
	for ((i = 0; i < 300; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.1
	done
	return 1
}

if ! systemctl -q is-active mpol-enable.service; then
	check "systemd-enable (clients_systemd did not run first)" recipe systemd-enable
fi
check "node 4 has no memory online at the start (its pc-dimm is offline)" \
	bash -c "! grep -qx online $HP/memory[0-9]*/state"
check "the root's mpol.migrate.effective is off" test "$(cat $CG/mpol.migrate.effective)" = off

rm -f /run/mig-app.out
check "migrate-service: mig-app.service with mpol.migrate on" recipe migrate-service
check "migrate-service prints 'on 32M'" test "$(tail -n1 $RECIPE_OUT)" = "on 32M"
wait_out /run/mig-app.out
expect_pages "mig-app.service (weighted-interleave:0-1)" "N0=600 N1=600 N2=0 N3=0" "$(cat /run/mig-app.out)"
pid=$(systemctl show -p MainPID --value mig-app.service)
check "mpol.stat has the documented keys in order" \
	test "$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' $MIG/mpol.stat)" = "$KEYS"
check "the passes of the service's start end" settle
invariants "after the start"

check "migrate-rate: on 16M" recipe migrate-rate
check "mpol.migrate reads 'on 16M'" test "$(tail -n1 $RECIPE_OUT)" = "on 16M"
check "mpol.migrate.effective reads 'on 16M'" test "$(cat $MIG/mpol.migrate.effective)" = "on 16M"

moved=$(mstat migrate_moved)
done0=$(mstat migrate_passes_completed)
start=$(date +%s.%N)
check "migrate-change: weighted-interleave:2-4, waited for the pass" recipe migrate-change
secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')
echo "migrate-change took ${secs}s; $(tail -n1 $RECIPE_OUT)" | diag
got=$(nodes "$pid")
check "after the change: the mapping is N2=600 N3=600 (got '$got')" test "$got" = "N2=600 N3=600"
check "the service kept running (same main process)" \
	test "$(systemctl show -p MainPID --value mig-app.service)" = "$pid"
check "a pass completed" test "$(mstat migrate_passes_completed)" -gt "$done0"
check "migrate_moved grew by at least 1200 ($moved -> $(mstat migrate_moved))" \
	test $(($(mstat migrate_moved) - moved)) -ge 1200
invariants "after the change"

check "migrate-stat: cat mpol.stat" recipe migrate-stat
check "migrate-stat prints twelve lines" test "$(wc -l <$RECIPE_OUT)" -eq 12

settle
moved=$(mstat migrate_moved)
placed=$(mstat migrate_placed)
check "migrate-hotplug: node 4 online, pass" recipe migrate-hotplug
check "node 4's memory blocks are online" bash -c "! grep -vqx online $HP/memory[0-9]*/state"
got=$(nodes "$pid")
check "after the pass: the mapping is N2=400 N3=400 N4=400 (got '$got')" test "$got" = "N2=400 N3=400 N4=400"
check "migrate_moved grew by at least 800 ($moved -> $(mstat migrate_moved))" \
	test $(($(mstat migrate_moved) - moved)) -ge 800
check "migrate_placed grew by at least 400 ($placed -> $(mstat migrate_placed))" \
	test $(($(mstat migrate_placed) - placed)) -ge 400
check "pass left mpol.migrate as it was ('on 16M')" test "$(cat $MIG/mpol.migrate)" = "on 16M"
invariants "after the pass"

# What stays put: a process with a task policy of its own (numactl) in the
# same cgroup keeps its pages on node 1 through a pass
rm -f /run/mig-own.out
sh -c "echo \$\$ > $MIG/cgroup.procs && exec numactl --membind=1 pagecount -p 1200" >/run/mig-own.out &
own=$!
wait_out /run/mig-own.out
echo "numactl --membind=1 pagecount -p 1200 in mig-app: $(cat /run/mig-own.out)" | diag
settle
skipped=$(mstat migrate_skipped_policy)
done0=$(mstat migrate_passes_completed)
echo pass >$MIG/mpol.migrate
check "a pass after 'pass' completed" passes_after "$done0"
got=$(nodes "$own")
check "the numactl process's pages stay on node 1 (got '$got')" test "$got" = "N1=1200"
check "migrate_skipped_policy grew by at least 1200 ($skipped -> $(mstat migrate_skipped_policy))" \
	test $(($(mstat migrate_skipped_policy) - skipped)) -ge 1200
got=$(nodes "$pid")
check "the service's pages stay N2=400 N3=400 N4=400 (got '$got')" test "$got" = "N2=400 N3=400 N4=400"
invariants "after the pass with a task policy"
kill "$own"
wait "$own" 2>/dev/null

systemctl stop mig-app.service
rm -f /etc/systemd/system/mig-app.service
systemctl daemon-reload
# leave node 4 as the boot left it (not checked: offlining may need retries)
for b in $HP/memory[0-9]*; do
	echo offline >"$b/state" 2>/dev/null || echo "offlining $b failed" | diag
done
finish
