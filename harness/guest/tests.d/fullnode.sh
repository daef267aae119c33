#!/bin/sh
# A full node in the policy's nodes: fallback, no OOM kill. See
# harness/guest/src/mpol_fullnode.c.
. /harness/topology.env
bin=mpol_fullnode
# an ad hoc build next to this script (EXTRA_TESTS_DIR) comes first
[ -x "${0%/*}/$bin" ] && bin="${0%/*}/$bin"
set -- $TOPO_CPULESS_NODES
if [ $# -lt 2 ]; then
	echo "needs two CPU-less memory nodes (TOPO_CPULESS_NODES)"
	exit 4
fi
exec "$bin" "$1" "$2"
