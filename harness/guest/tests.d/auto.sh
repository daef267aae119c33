#!/bin/sh
# mpol.weights "auto": per-initiator weights from the HMAT bandwidth (parse,
# the tables, placement from CPUs of both initiator nodes, node hotplug,
# mpol.migrate): see harness/guest/src/mpol_auto.c. The expected tables
# come from the bandwidth the harness gave QEMU (/harness/topology.env).
. /harness/topology.env
export TOPO_NAME TOPO_HMAT_BW TOPO_HOTPLUG_HMAT TOPO_HOTPLUG_NODES
bin=mpol_auto
# an ad hoc build next to this script (EXTRA_TESTS_DIR) comes first
[ -x "${0%/*}/$bin" ] && bin="${0%/*}/$bin"
exec "$bin"
