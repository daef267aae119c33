# shellcheck shell=bash
# The VM's NUMA topology: the ONE place it is defined. Sourced by run-vm.sh
# (QEMU arguments) and by mkinitramfs.sh (expectations for the guest checks).
#
#   node 0: CPU 0 + 768M DRAM            node 1: CPU 1 + 768M DRAM
#   node 2: 512M memory only (CXL-like, initiator node 0)
#   node 3: 512M memory only (CXL-like, initiator node 1)
#   node 4: no memory at boot; a 256M pc-dimm (QEMU memory-backend-ram) that
#           the guest onlines and offlines through sysfs (hotplug tests)

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
}
