#!/bin/sh
# Concurrency stress for mpol (mpol_stress.c) for $STRESS_SECONDS
# (default 120): faults under changing policies, weights, cpuset.mems,
# global weights, moves and cgroup churn, and in one cgroup (w3) under
# memory pressure: memory.max below its working set, so that reclaim,
# swap-out and swap-in readahead run throughout (needs the swap disk).
# The hot-pluggable nodes are left out: they have no memory unless a
# hotplug test onlined them.
. /harness/topology.env
sed -n '2,$s/^/# swap: /p' /proc/swaps
MPOL_STRESS_NODES=$TOPO_ALL_NODES exec mpol_stress
