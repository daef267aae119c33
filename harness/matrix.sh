#!/bin/bash
# make matrix: the build checks a kernel series owes its reviewers.
#
#   1. every commit of the exported series (make series) builds, with W=1
#      on the files the series touches;
#   2. the tip builds with CONFIG_CGROUP_MPOL=n (the stubs compile) and with
#      CONFIG_NUMA=n (the controller cannot be selected);
#   3. kernel-doc -Wall is clean on the new kernel files.
#
# Each build uses tinyconfig + harness/config/mpol.config (+ one override)
# in its own object dir under build/matrix/, through ccache.  A step that
# passed is stamped (by commit and config) and skipped on the next run, so
# an interrupted run resumes.  Takes the machine-wide build lock.
. "$(dirname "$0")/lib/common.sh"

G=$BUILD/series-git
M=$BUILD/matrix
FRAG=$HARNESS_DIR/config/mpol.config
mkdir -p "$M"

[[ -d $G/.git ]] || die "build/series-git missing: run 'make series' first"
build_lock

git_() { git -C "$G" -c advice.detachedHead=false "$@"; }
mapfile -t commits < <(git_ rev-list --reverse refs/tags/pristine..series)
((${#commits[@]})) || die "the exported series is empty"

# build NAME COMMIT OVERRIDE...: config + bzImage + W=1 objects
build() {
	local name=$1 commit=$2
	shift 2
	local obj=$M/obj-$name
	local stamp=$M/$name.$commit.$(echo "$*" | md5sum | cut -c1-8).ok
	local logf=$LOGS/matrix-$name.log
	local subj
	subj=$(git_ log -1 --format=%s "$commit")
	if [[ -f $stamp ]]; then
		log "  $name @ ${commit:0:12} ($subj): ok (cached)"
		return 0
	fi
	git_ checkout -q -f "$commit"
	mkdir -p "$obj"
	printf "%s\n" "$@" >"$obj/override.config"
	{
		make -C "$G" O="$obj" tinyconfig &&
		"$G/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
			"$FRAG" "$obj/override.config" &&
		make -C "$G" O="$obj" olddefconfig
	} >"$logf" 2>&1 || die "$name: configuring failed (log: $logf)"
	local o want
	for o in "$@"; do
		want=${o%%=*}
		if [[ $o == *=n ]]; then
			! grep -q "^$want=y" "$obj/.config" ||
				die "$name: $want is still set in the built config"
		else
			grep -q "^$o\$" "$obj/.config" || die "$name: $o did not stick"
		fi
	done
	local t0=$SECONDS
	make -C "$G" O="$obj" -j"$JOBS" CC="ccache gcc" bzImage >>"$logf" 2>&1 ||
		{ grep -E 'error|warning' "$logf" | tail -n 20 >&2
		  die "$name @ ${commit:0:12} ($subj): build failed (log: $logf)"; }
	local objs=(kernel/fork.o)
	grep -q "^CONFIG_NUMA=y" "$obj/.config" && objs+=(mm/mempolicy.o)
	grep -q "^CONFIG_CGROUP_MPOL=y" "$obj/.config" && objs+=(kernel/cgroup/mpol.o)
	# the other files 0001 touches, where the config builds them
	grep -q "^CONFIG_HUGETLBFS=y" "$obj/.config" && objs+=(mm/hugetlb.o)
	grep -q "^CONFIG_PROC_FS=y" "$obj/.config" && objs+=(fs/proc/task_mmu.o)
	grep -q "^CONFIG_ZSWAP=y" "$obj/.config" && objs+=(mm/zswap.o)
	if ((${#objs[@]})); then
		rm -f "${objs[@]/#/$obj/}"
		make -C "$G" O="$obj" CC="ccache gcc" W=1 "${objs[@]}" >"$logf.w1" 2>&1 ||
			die "$name: W=1 build failed (log: $logf.w1)"
		if grep -E 'warning:' "$logf.w1" >&2; then
			die "$name @ ${commit:0:12}: W=1 warnings in ${objs[*]}"
		fi
	fi
	touch "$stamp"
	log "  $name @ ${commit:0:12} ($subj): ok ($((SECONDS - t0))s; W=1: ${objs[*]:-none})"
}

log "matrix: ${#commits[@]} commit(s) of build/series-git, log: ${LOGS#"$ROOT"/}/matrix-*.log"
for c in "${commits[@]}"; do
	build each "$c"
done
tip=${commits[-1]}
build nompol "$tip" CONFIG_CGROUP_MPOL=n
build nonuma "$tip" CONFIG_NUMA=n

git_ checkout -q -f "$tip"
kd=$( (cd "$G" && scripts/kernel-doc -none -Wall kernel/cgroup/mpol.c \
	include/linux/mpol_cgroup.h) 2>&1)
[[ -z $kd ]] || { echo "$kd" >&2; die "kernel-doc -Wall reports problems"; }
log "kernel-doc -Wall: clean"
git_ checkout -q -f series
log "matrix ok: every commit builds; CONFIG_CGROUP_MPOL=n and CONFIG_NUMA=n build"
