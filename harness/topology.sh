# shellcheck shell=bash
# The VM's NUMA topology: the ONE place it is defined. Sourced by run-vm.sh
# (QEMU arguments, and /harness/topology.env in the guest's root image) and
# by mkinitramfs.sh (the same file in the initramfs).
#
# TOPO (environment) picks the topology; a `variant` line of
# harness/tests.conf can set it (TOPO=16).
#
# TOPO=default (or unset): 5 nodes
#   node 0: CPU 0 + 768M DRAM            node 1: CPU 1 + 768M DRAM
#   node 2: 512M memory only (CXL-like, initiator node 0)
#   node 3: 512M memory only (CXL-like, initiator node 1)
#   node 4: no memory at boot; a 256M pc-dimm (QEMU memory-backend-ram) that
#           the guest onlines and offlines through sysfs (hotplug tests)
#
# TOPO=16: 16 nodes, no hot-pluggable node
#   node 0: CPU 0 + 512M DRAM            node 1: CPU 1 + 512M DRAM
#   nodes 2-15: 128M memory only each (CXL-like), initiator node N % 2
#   HMAT bandwidth from the attached initiator by pair (nodes 2k+2, 2k+3):
#   8G 8G 6G 6G 4G 4G 2G for k = 0..6, half of it from the other one;
#   latency 250 + 20k ns attached, 350 + 20k ns from the other initiator
TOPO=${TOPO:-default}

case "$TOPO" in
default)
	# nodeid  cpu(-=none)  memory  initiator(-=itself)
	TOPO_NODES=(
		"0 0 768M -"
		"1 1 768M -"
		"2 - 512M 0"
		"3 - 512M 1"
	)
	TOPO_MEM=2560M          # sum of the above
	# hot-pluggable nodes: nodeid dimm-size initiator. The node is possible from
	# boot (SRAT) but has no memory until its memory blocks are onlined.
	TOPO_HOTPLUG=(
		"4 256M 0"
	)
	TOPO_MAXMEM=4G
	TOPO_SMP=2              # one CPU per socket, sockets 0 and 1

	# SLIT distances (symmetric; the diagonal is 10)
	TOPO_DIST=(
		"0 1 21"
		"0 2 17"
		"0 3 28"
		"1 2 28"
		"1 3 17"
		"2 3 28"
		"0 4 30"
		"1 4 30"
		"2 4 32"
		"3 4 32"
	)

	# HMAT access latency (ns) and bandwidth, initiator -> target (memory level)
	# initiator target latency bandwidth
	TOPO_HMAT=(
		"0 0 80  20G"
		"0 1 140 10G"
		"0 2 250 8G"
		"0 3 350 4G"
		"1 0 140 10G"
		"1 1 80  20G"
		"1 2 350 4G"
		"1 3 250 8G"
		"0 4 400 2G"
		"1 4 400 2G"
	)
	;;
16)
	TOPO_NODES=("0 0 512M -" "1 1 512M -")
	TOPO_DIST=("0 1 21")
	TOPO_HMAT=(
		"0 0 80  20G"
		"0 1 140 10G"
		"1 0 140 10G"
		"1 1 80  20G"
	)
	_bw=(8 8 6 6 4 4 2)	# GB/s from the attached initiator, by pair
	for ((_n = 2; _n < 16; _n++)); do
		_i=$((_n % 2)) _k=$(((_n - 2) / 2))
		TOPO_NODES+=("$_n - 128M $_i")
		# SLIT: attached CXL 17, far CXL 28; between two CXL nodes 24
		# behind the same initiator, else 34
		TOPO_DIST+=("$_i $_n 17" "$((1 - _i)) $_n 28")
		for ((_m = 2; _m < _n; _m++)); do
			TOPO_DIST+=("$_m $_n $((_m % 2 == _i ? 24 : 34))")
		done
		_a=${_bw[_k]}
		TOPO_HMAT+=("$_i $_n $((250 + 20 * _k)) ${_a}G")
		# half of the attached bandwidth, in MiB/s (3G/2 is not whole G)
		TOPO_HMAT+=("$((1 - _i)) $_n $((350 + 20 * _k)) $((_a * 512))M")
	done
	unset _n _i _k _m _a _bw
	TOPO_MEM=2816M          # 2 x 512M + 14 x 128M
	TOPO_HOTPLUG=()
	TOPO_MAXMEM=
	TOPO_SMP=2
	;;
*)
	echo "harness/topology.sh: unknown TOPO '$TOPO' (default or 16)" >&2
	return 1
	;;
esac

# Print QEMU arguments (one per line) for this topology.
topology_qemu_args() {
	local n cpu mem init a b d i t lat bw slots=${#TOPO_HOTPLUG[@]}
	echo -machine; echo q35,hmat=on
	if ((slots)); then
		echo -m; echo "$TOPO_MEM,slots=$slots,maxmem=$TOPO_MAXMEM"
	else
		echo -m; echo "$TOPO_MEM"
	fi
	echo -smp; echo "$TOPO_SMP,sockets=$TOPO_SMP,cores=1,threads=1"
	for e in "${TOPO_NODES[@]}"; do
		read -r n cpu mem init <<<"$e"
		echo -object; echo "memory-backend-ram,id=mem$n,size=$mem"
		if [[ $init == - ]]; then
			echo -numa; echo "node,nodeid=$n,memdev=mem$n"
		else
			echo -numa; echo "node,nodeid=$n,memdev=mem$n,initiator=$init"
		fi
	done
	for e in "${TOPO_HOTPLUG[@]}"; do
		read -r n mem init <<<"$e"
		echo -numa; echo "node,nodeid=$n,initiator=$init"
		echo -object; echo "memory-backend-ram,id=hp$n,size=$mem"
		echo -device; echo "pc-dimm,id=dimm$n,memdev=hp$n,node=$n"
	done
	for e in "${TOPO_NODES[@]}"; do
		read -r n cpu mem init <<<"$e"
		[[ $cpu == - ]] || { echo -numa; echo "cpu,node-id=$n,socket-id=$cpu"; }
	done
	for e in "${TOPO_DIST[@]}"; do
		read -r a b d <<<"$e"
		echo -numa; echo "dist,src=$a,dst=$b,val=$d"
		echo -numa; echo "dist,src=$b,dst=$a,val=$d"
	done
	for e in "${TOPO_HMAT[@]}"; do
		read -r i t lat bw <<<"$e"
		echo -numa; echo "hmat-lb,initiator=$i,target=$t,hierarchy=memory,data-type=access-latency,latency=$lat"
		echo -numa; echo "hmat-lb,initiator=$i,target=$t,hierarchy=memory,data-type=access-bandwidth,bandwidth=$bw"
	done
}

# Shell variable assignments describing the topology, for the guest.
topology_guest_env() {
	local n cpu mem init all="" cpuless="" withcpu=""
	for e in "${TOPO_NODES[@]}"; do
		read -r n cpu mem init <<<"$e"
		all="$all $n"
		if [[ $cpu == - ]]; then cpuless="$cpuless $n"; else withcpu="$withcpu $n"; fi
	done
	echo "TOPO_ALL_NODES='${all# }'"
	echo "TOPO_CPU_NODES='${withcpu# }'"
	echo "TOPO_CPULESS_NODES='${cpuless# }'"
	local hp=""
	for e in "${TOPO_HOTPLUG[@]}"; do
		read -r n mem init <<<"$e"
		hp="$hp $n"
	done
	echo "TOPO_HOTPLUG_NODES='${hp# }'"
	# HMAT bandwidth of every initiator/target pair, "I:T:MBPS ...", in
	# MB/s as the kernel reports it (the entries times the table's base
	# unit: QEMU's "20G" is 20 GiB/s, the kernel shows 20480); the pairs
	# of hot-pluggable targets separately
	local bwl="" hpl="" hpn=" ${hp# } "
	for e in "${TOPO_HMAT[@]}"; do
		read -r i t lat bw <<<"$e"
		if [[ $hpn == *" $t "* ]]; then
			hpl="$hpl $i:$t:$(topology_mbps "$bw")"
		else
			bwl="$bwl $i:$t:$(topology_mbps "$bw")"
		fi
	done
	echo "TOPO_HMAT_BW='${bwl# }'"
	echo "TOPO_HOTPLUG_HMAT='${hpl# }'"
	echo "TOPO_NAME='$TOPO'"
}

# A QEMU size ("20G", "4096M", "1048576") as MiB, the unit of the kernel's
# HMAT bandwidth.
topology_mbps() {
	local v=${1%[KMGTkmgt]} m=1
	case "${1: -1}" in
	K | k) m=$((1 << 10)) ;;
	M | m) m=$((1 << 20)) ;;
	G | g) m=$((1 << 30)) ;;
	T | t) m=$((1 << 40)) ;;
	esac
	echo $((v * m >> 20))
}
