#!/bin/sh
# The `make bench` driver, run inside the VM by /init (hmode=bench, which
# prints ### DONE after it); its output (ttyS1) is parsed on the host by
# bench/report.py.  Line format: see bench/mpolbench.c.
# Parts to run: htests (comma list, default "all"):
#   unused  f3: default-policy faults, no mpol config anywhere (run first;
#           the host runs it again in a boot with cgroup_disable=mpol)
#   key     f3k: the same task, the static key off vs on (another cgroup
#           configured), same boot
#   hot     f1 (4 KiB and THP faults), f2 (bulk), f4 (depth)
#   attach  f6
#   place   f7
#   scope   f10a, f10b: mpol.scope anon vs all (faults), anon vs no policy
#           (page-cache reads)
#   auto    f9a: faults under `auto on` vs the same weights written
#           explicitly; placement rows f7 "auto from CPU 0/1"
#   mig     f8a-f8d: mpol.migrate passes (bench/migbench.c)
#   update  f5 (spawns 5101 sleeping tasks; last), and the policy row with
#           mpol.migrate on
# Repetitions: hbench_reps=N on the kernel command line (default 7); the
# update and attach figures use 3N.
CG=/sys/fs/cgroup
WI=/sys/kernel/mm/mempolicy/weighted_interleave
B=mpolbench
M=migbench
parts=${htests:-all}
[ "$parts" = all ] && parts=unused,key,hot,attach,place,scope,auto,mig,update
REPS=7
for arg in $(cat /proc/cmdline); do
	case "$arg" in hbench_reps=*) REPS=${arg#hbench_reps=} ;; esac
done
REPS3=$((REPS * 3))
FAULT_MIB=16	# 4096 faults of 4 KiB per rep
THP_MIB=64	# 32 faults of 2 MiB per rep
PTMX=200	# 200 x (open + close) of /dev/ptmx per rep
MIG_MIB=64	# f8a/f8b: 16384 pages on node 0 per rep, moved by each variant
RATE_MIB=128	# f8d: 16384 of its 32768 pages move (1 s at 64M/s, 4 s at 16M/s)
CHURN_MIB=128	# f8c: the memory a pass moves (16384 pages: 2 s at the default 32M/s) ...
CHURN_CHUNKS=32	# ... while the workload faults 32 x 4 MiB (~0.3 s)
READ_PAGES=4096	# f10b: 16 MiB read(2) per rep, dropped from the page cache before each
AUTO_CYCLES=100	# auto placement rows: 100 weight cycles of faults (3100 with 15:7:6:3)

has() { case ",$parts," in *",$1,"*) return 0 ;; esac; return 1; }
info() { echo "I $*"; }
err() { echo "E $*"; }
t_start() { t0=$(cut -d' ' -f1 /proc/uptime); }
t_end() { info "guest_secs $1 $(awk -v a="$t0" '{ printf "%.2f", $1 - a }' /proc/uptime)"; }

# weights: set_weights DIR "N W" ... (cgroup) / set_global N=W ...
set_weights() {
	d=$1; shift
	for nw in "$@"; do echo "$nw" >"$d/mpol.weights" || err "weights '$nw' -> $d"; done
}
set_global() {
	for nw in "$@"; do echo "${nw#*=}" >"$WI/node${nw%%=*}" || err "sysfs weight $nw"; done
}
mkcg() { mkdir -p "$CG/$1" || err "mkdir $CG/$1"; }

info kernel "$(uname -r)"
info uname "$(uname -v)"
info cmdline "$(cat /proc/cmdline)"
info controllers "$(cat $CG/cgroup.controllers)"
info thp "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo absent)"
info clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
info nodes "$(cat /sys/devices/system/node/online)" cpus "$(cat /sys/devices/system/cpu/online)"
mpol=0
grep -qw mpol $CG/cgroup.controllers && mpol=1
info mpol $mpol
# a quiet system: no periodic writeback while measuring
echo 0 >/proc/sys/vm/dirty_writeback_centisecs 2>/dev/null
sync

if has unused; then
	# Nothing has touched an mpol file yet: the static key is off.
	t_start
	mkcg b3
	$B ab f3 "$REPS" fault4k $FAULT_MIB name=unused,cg=$CG/b3
	t_end unused
fi

# the rest needs the controller (not there: cgroup_disable=mpol, stock)
[ $mpol = 0 ] && exit 0

if has key; then
	# The same default-policy task; between runs the parent flips the
	# static key by configuring (or resetting) an unrelated cgroup.
	t_start
	mkcg b3
	mkcg b3key
	$B ab f3k "$REPS" fault4k $FAULT_MIB \
		name=keyoff,cg=$CG/b3,pre=$CG/b3key/mpol.policy@inherit \
		name=keyon,cg=$CG/b3,pre=$CG/b3key/mpol.policy@interleave:0-1
	echo inherit >$CG/b3key/mpol.policy
	t_end key
fi

# From here on some cgroup is configured (the static key is on), as it is
# on any machine that uses mpol.
mkcg keep
echo interleave:0-1 >$CG/keep/mpol.policy

if has hot; then
	t_start
	# f1/f2: cgroup policy + cgroup weights vs task policy + the same
	# weights in sysfs, in an unconfigured sibling
	set_global 0=3 1=1 2=1 3=1
	mkcg b1cg
	mkcg b1task
	echo weighted-interleave:0-3 >$CG/b1cg/mpol.policy
	set_weights $CG/b1cg "0 3" "1 1" "2 1" "3 1"
	info f1_cg_policy "$(cat $CG/b1cg/mpol.policy.effective)" weights "$(cat $CG/b1cg/mpol.weights.effective | tr '\n' ' ')"
	info f1_task_cgroup_policy "$(cat $CG/b1task/mpol.policy.effective)" weights "$(cat $CG/b1task/mpol.weights.effective | tr '\n' ' ')"
	A="name=cgroup,cg=$CG/b1cg"
	T="name=task,cg=$CG/b1task,pol=wi:0-3"
	$B ab f1 "$REPS" fault4k $FAULT_MIB "$A" "$T"
	case "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" in
	*"[never]"* | "") info f1thp skipped "THP disabled or absent" ;;
	*) $B ab f1thp "$REPS" faultthp $THP_MIB "$A" "$T" ;;
	esac
	$B ab f2 "$REPS" ptmx $PTMX "$A" "$T"
	# f4: 32 levels vs 1 level, the same effective policy and weights
	mkcg b4a
	echo weighted-interleave:0-3 >$CG/b4a/mpol.policy
	set_weights $CG/b4a "0 3" "1 1" "2 1" "3 1"
	mkcg b4deep
	echo weighted-interleave:0-3 >$CG/b4deep/mpol.policy
	set_weights $CG/b4deep "0 3" "1 1" "2 1" "3 1"
	d=$CG/b4deep
	lvl=1
	while [ $lvl -lt 32 ]; do
		echo +mpol >$d/cgroup.subtree_control || err "subtree_control at level $lvl"
		lvl=$((lvl + 1))
		d=$d/l$lvl
		mkdir $d || err "mkdir level $lvl"
	done
	info f4_depth "$(echo "${d#$CG/}" | tr -cd / | wc -c | awk '{ print $1 + 1 }')" policy "$(cat $d/mpol.policy.effective)" weights "$(cat $d/mpol.weights.effective | tr '\n' ' ')"
	$B ab f4 "$REPS" fault4k $FAULT_MIB name=depth1,cg=$CG/b4a name=depth32,cg=$d
	t_end hot
fi

if has attach; then
	t_start
	for c in b6a1 b6a2; do
		mkcg $c
		echo weighted-interleave:0-3 >$CG/$c/mpol.policy
		set_weights $CG/$c "0 3" "1 1" "2 1" "3 1"
	done
	mkcg b6b1
	mkcg b6b2
	$B attach f6 "$REPS3" mpol@$CG/b6a1@$CG/b6a2 none@$CG/b6b1@$CG/b6b2
	t_end attach
fi

if has place; then
	t_start
	mkcg b7cg
	mkcg b7task
	mkcg b7taskw
	for w in 3:1:1 7:2:1 1:1:1; do
		w0=${w%%:*}; w2=${w##*:}; w1=${w#*:}; w1=${w1%:*}
		info f7_weights "$w" nodes 0-2
		set_global 0=$w0 1=$w1 2=$w2
		echo weighted-interleave:0-2 >$CG/b7cg/mpol.policy
		set_weights $CG/b7cg "0 $w0" "1 $w1" "2 $w2"
		set_weights $CG/b7taskw "0 $w0" "1 $w1" "2 $w2"
		# each in a fresh process, so the cursor starts afresh; faults:
		# 1000 pages, bulk: 100 ptmx = 200 vzalloc() of 3 pages
		for v in "cgroup cg=$CG/b7cg" "task cg=$CG/b7task pol=wi:0-2" \
			"task+cgweights cg=$CG/b7taskw pol=wi:0-2"; do
			set -- $v
			l=$1; shift
			$B place f7 fault/$w/$l 1000 "$@"
			$B placebulk f7 bulk/$w/$l 100 "$@"
		done
	done
	set_global 0=1 1=1 2=1 3=1
	t_end place
fi

# f10a, f10b: mpol.scope (SPEC.md section 10)
if has scope; then
	t_start
	if [ -e $CG/mpol.scope.effective ]; then
		for s in anon all; do
			mkcg b10$s
			set_weights $CG/b10$s "0 3" "1 1" "2 1" "3 1"
			echo weighted-interleave:0-3 >$CG/b10$s/mpol.policy || err "policy -> b10$s"
			echo $s >$CG/b10$s/mpol.scope || err "scope $s -> b10$s"
		done
		mkcg b10none
		$B ab f10a "$REPS" fault4k $FAULT_MIB name=anon,cg=$CG/b10anon name=all,cg=$CG/b10all
		$B ab f10b "$REPS" readfile $READ_PAGES name=anon,cg=$CG/b10anon name=none,cg=$CG/b10none
	else
		info f10 "skipped: no mpol.scope"
	fi
	rmdir $CG/b10anon $CG/b10all $CG/b10none 2>/dev/null
	t_end scope
fi

# f9a and the auto placement rows: the auto key of mpol.weights (SPEC.md
# section 9, per-initiator weights from the HMAT)
if has auto; then
	t_start
	mkcg b9auto
	echo weighted-interleave:0-3 >$CG/b9auto/mpol.policy || err "policy -> b9auto"
	if ! echo "auto on" >$CG/b9auto/mpol.weights 2>/dev/null; then
		info f9 "skipped: mpol.weights takes no auto key"
	else
		info f9_auto_weights "$(tr '\n' ';' <$CG/b9auto/mpol.weights.effective)"
		# table_of I: initiator I's weights of nodes 0-3 as W0:W1:W2:W3
		table_of() {
			awk -v i="initiator$1" '$1 == i {
				for (f = 2; f <= NF; f++) { split($f, kv, "="); w[kv[1]] = kv[2] }
				if (w[0] != "" && w[1] != "" && w[2] != "" && w[3] != "")
					printf "%s:%s:%s:%s", w[0], w[1], w[2], w[3]
			}' $CG/b9auto/mpol.weights.effective
		}
		t0w=$(table_of 0)
		if [ -z "$t0w" ]; then
			err "f9a: no initiator0 line with nodes 0-3 in b9auto/mpol.weights.effective"
			info f9 "failed: no initiator0 line with nodes 0-3 in mpol.weights.effective"
		else
			# f9a: the benchmark tasks run on CPU 0 (mpolbench ab pins
			# them): the explicit reference is initiator 0's table
			info f9a_weights "$t0w" initiator 0
			mkcg b9exp
			echo weighted-interleave:0-3 >$CG/b9exp/mpol.policy || err "policy -> b9exp"
			ifs=$IFS; IFS=:; set -- $t0w; IFS=$ifs
			set_weights $CG/b9exp "0 $1" "1 $2" "2 $3" "3 $4"
			info f9a_explicit "$(tr '\n' ' ' <$CG/b9exp/mpol.weights.effective)"
			$B ab f9a "$REPS" fault4k $FAULT_MIB name=auto,cg=$CG/b9auto name=explicit,cg=$CG/b9exp
		fi
		# placement: a fresh process pinned to CPU 0, then CPU 1, faults
		# AUTO_CYCLES weight cycles: exactly AUTO_CYCLES x W pages per node
		for cpu in 0 1; do
			if [ ! -d /sys/devices/system/cpu/cpu$cpu ]; then
				err "auto placement: no CPU $cpu"
				continue
			fi
			nd=$(ls -d /sys/devices/system/cpu/cpu$cpu/node* 2>/dev/null | head -n1)
			nd=${nd##*/node}
			w=$(table_of "$nd")
			if [ -z "$nd" ] || [ -z "$w" ]; then
				err "auto placement: no table for CPU $cpu (node '$nd')"
				continue
			fi
			sum=$(echo "$w" | awk -F: '{ print $1 + $2 + $3 + $4 }')
			info f7_auto_cpu$cpu node "$nd" weights "$w" pages $((AUTO_CYCLES * sum))
			$B place f7 fault/$w/auto-cpu$cpu $((AUTO_CYCLES * sum)) cg=$CG/b9auto cpu=$cpu
		done
	fi
	rmdir $CG/b9auto $CG/b9exp 2>/dev/null
	t_end auto
fi

if has mig; then
	t_start
	if [ ! -e $CG/keep/mpol.migrate ]; then
		info f8 skipped "this kernel has no mpol.migrate"
	else
		# NUMA balancing must not move the measured pages (restored below)
		nb=$(cat /proc/sys/kernel/numa_balancing 2>/dev/null)
		[ -n "$nb" ] && echo 0 >/proc/sys/kernel/numa_balancing
		cpuset_added=0
		if ! grep -qw cpuset $CG/cgroup.subtree_control; then
			echo +cpuset >$CG/cgroup.subtree_control || err "+cpuset at the root"
			cpuset_added=1
		fi
		# wi_cg NAME MIGRATE: weighted-interleave 3:1:1:1 over 0-3
		wi_cg() {
			mkcg $1
			echo weighted-interleave:0-3 >$CG/$1/mpol.policy || err "policy -> $1"
			set_weights $CG/$1 "0 3" "1 1" "2 1" "3 1"
			echo "$2" >$CG/$1/mpol.migrate || err "mpol.migrate '$2' -> $1"
			info "f8_cg_$1" migrate "$(cat $CG/$1/mpol.migrate.effective)" policy "$(cat $CG/$1/mpol.policy.effective)" weights "$(tr '\n' ' ' <$CG/$1/mpol.weights.effective)"
		}
		W=0=3,1=1,2=1,3=1
		# f8a: the kernel pass at the maximum rate vs a userspace agent
		# (maps + move_pages) on the same memory; f8b: cpuset.mems 0 -> 1
		wi_cg b8k "on 64G"
		wi_cg b8u off
		mkcg b8cs
		echo 0 >$CG/b8cs/cpuset.mems || err "cpuset.mems 0 -> b8cs"
		$M pass f8a "$REPS" $MIG_MIB $W \
			name=kernel,kind=kernel,cg=$CG/b8k \
			name=u512,kind=user,cg=$CG/b8u,batch=512,sort=0 \
			name=u512s,kind=user,cg=$CG/b8u,batch=512,sort=1 \
			name=uall,kind=user,cg=$CG/b8u,batch=0,sort=1 \
			name=cpuset,kind=cpuset,cg=$CG/b8cs,from=0,to=1
		# f8d: the rate limit, moved pages over the pass
		wi_cg b8d16 "on 16M"
		wi_cg b8d64 "on 64M"
		$M pass f8d "$REPS" $RATE_MIB $W \
			name=on16M,kind=kernel,cg=$CG/b8d16,set=4096 \
			name=on64M,kind=kernel,cg=$CG/b8d64,set=16384
		# f8c: a workload's faults while a pass at the default rate moves
		# its memory, vs the same workload undisturbed
		wi_cg b8c on
		wi_cg b8cu off
		$M churn f8c "$REPS" $CHURN_MIB $CHURN_CHUNKS \
			name=during,cg=$CG/b8c,trigger=1 name=undisturbed,cg=$CG/b8cu
		for c in b8k b8u b8cs b8d16 b8d64 b8c b8cu; do rmdir $CG/$c 2>/dev/null; done
		[ $cpuset_added = 1 ] && echo -cpuset >$CG/cgroup.subtree_control
		[ -n "$nb" ] && echo "$nb" >/proc/sys/kernel/numa_balancing
	fi
	t_end mig
fi

if has update; then
	t_start
	pmax=$(cat /proc/sys/kernel/pid_max)
	[ "$pmax" -lt 32768 ] && echo 32768 >/proc/sys/kernel/pid_max
	grep -qw cpuset $CG/cgroup.subtree_control || echo +cpuset >$CG/cgroup.subtree_control
	for n in 1 100 1000 4000; do
		mkcg b5n$n
		echo interleave:0-1 >$CG/b5n$n/mpol.policy
		echo "0 2" >$CG/b5n$n/mpol.weights
		echo 0-1 >$CG/b5n$n/cpuset.mems
		rm -f /tmp/b5ready.$n
		sh -c "echo \$\$ >$CG/b5n$n/cgroup.procs && exec $B spawn $n /tmp/b5ready.$n" &
		i=0
		while [ ! -e /tmp/b5ready.$n ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
		info f5_members n$n "$(wc -l <$CG/b5n$n/cgroup.procs)"
	done
	info f5_meminfo "$(awk '/MemTotal|MemFree/ { printf "%s %s kB ", $1, $2 }' /proc/meminfo)"
	set --
	for n in 1 100 1000 4000; do
		set -- "$@" "policy/n$n@$CG/b5n$n/mpol.policy@weighted-interleave:0-3@interleave:0-1"
	done
	$B upd f5 "$REPS3" "$@"
	set --
	for n in 1 100 1000 4000; do
		set -- "$@" "weights/n$n@$CG/b5n$n/mpol.weights@0 3@0 2"
	done
	$B upd f5 "$REPS3" "$@"
	set --
	for n in 1 100 1000 4000; do
		set -- "$@" "cpuset.mems/n$n@$CG/b5n$n/cpuset.mems@0-3@0-1"
	done
	$B upd f5 "$REPS3" "$@"
	# the policy row again with mpol.migrate on: every write starts (or
	# retargets) a pass over the members.  Unbound workqueues on CPU 0 and
	# the writer SCHED_FIFO there (migbench upd), so that the passes run
	# when the writer sleeps and the timed write is the writer's own path.
	if [ -e $CG/b5n1/mpol.migrate ]; then
		wqm=/sys/devices/virtual/workqueue/cpumask
		wq_old=$(cat $wqm 2>/dev/null)
		echo 1 >$wqm || err "unbound workqueue cpumask"
		for n in 1 100 1000 4000; do
			echo on >$CG/b5n$n/mpol.migrate || err "mpol.migrate on -> b5n$n"
		done
		info f5mig migrate "$(cat $CG/b5n1/mpol.migrate.effective)" wq_cpumask "$(cat $wqm 2>/dev/null)" was "$wq_old"
		# let the queued passes of turning it on start (migbench waits
		# for the running ones to end)
		sleep 0.5
		set --
		for n in 1 100 1000 4000; do
			set -- "$@" "policy+migrate/n$n@$CG/b5n$n/mpol.policy@weighted-interleave:0-3@interleave:0-1"
		done
		$M upd f5 "$REPS3" "$@"
		[ -n "$wq_old" ] && echo "$wq_old" >$wqm
	else
		info f5mig skipped "this kernel has no mpol.migrate"
	fi
	for n in 1 100 1000 4000; do
		echo 1 >$CG/b5n$n/cgroup.kill
	done
	t_end update
fi
