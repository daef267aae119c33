#!/bin/sh
# Concurrency stress for mpol (mpol_stress.c) for $STRESS_SECONDS
# (default 120): faults under changing policies, weights, cpuset.mems,
# global weights, moves and cgroup churn. The hot-pluggable nodes are left
# out: they have no memory unless a hotplug test onlined them.
. /harness/topology.env
MPOL_STRESS_NODES=$TOPO_ALL_NODES exec mpol_stress
