#!/bin/sh
# mpol.migrate passes racing with a second change, the member's exit, its
# move to a cgroup without migration, rmdir of its cgroup, node hotplug
# and a full target node: see harness/guest/src/mpol_migrace.c. Each pass
# runs at "on 8M" over 64 MiB, so it lasts seconds.
. /harness/topology.env
bin=mpol_migrace
# an ad hoc build next to this script (EXTRA_TESTS_DIR) comes first
[ -x "${0%/*}/$bin" ] && bin="${0%/*}/$bin"
hp=${TOPO_HOTPLUG_NODES%% *}
set -- $TOPO_CPULESS_NODES
exec "$bin" "${hp:--1}" "${1:--1}"
