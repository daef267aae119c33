#!/bin/sh
# Node memory hotplug under mpol cgroups: see harness/guest/src/mpol_hotplug.c.
# HOTPLUG_CYCLES (environment) sets the number of online/offline cycles.
. /harness/topology.env
bin=mpol_hotplug
# an ad hoc build next to this script (EXTRA_TESTS_DIR) comes first
[ -x "${0%/*}/$bin" ] && bin="${0%/*}/$bin"
node=${TOPO_HOTPLUG_NODES%% *}
if [ -z "$node" ]; then
	echo "no hot-pluggable node in this VM (TOPO_HOTPLUG_NODES)"
	exit 4
fi
exec "$bin" "$node" "${HOTPLUG_CYCLES:-3}"
