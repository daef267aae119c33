#!/bin/sh
# Node memory hotplug under mpol cgroups: see harness/guest/src/mpol_hotplug.c.
# 3 online/offline cycles. Soak run: the kernel parameter hotplug_seconds=N
# (KERNEL_CMDLINE_EXTRA, which the kernel hands to init as an environment
# variable) keeps cycling for N seconds; raise TEST_TIMEOUT to match.
. /harness/topology.env
bin=mpol_hotplug
# an ad hoc build next to this script (EXTRA_TESTS_DIR) comes first
[ -x "${0%/*}/$bin" ] && bin="${0%/*}/$bin"
node=${TOPO_HOTPLUG_NODES%% *}
if [ -z "$node" ]; then
	echo "no hot-pluggable node in this VM (TOPO_HOTPLUG_NODES)"
	exit 4
fi
exec "$bin" "$node" 3 "${hotplug_seconds:-0}"
