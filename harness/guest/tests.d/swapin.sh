#!/bin/sh
# Swap-in under cgroup policy rewrites (mpol_swapin.c): the lifetime test of
# a cgroup policy held across sleeping, nested allocations. On the debug
# kernel (KASAN, kmemleak, page_owner=on) a policy freed under an outer
# frame is reported by KASAN, which mpol_swapin checks in the kernel log
# (and the harness' kernel-log check fails the run as well).
# Length: 90 s, or hswapin=SECONDS on the kernel command line
# (make check TESTS=swapin KERNEL_CMDLINE_EXTRA=hswapin=600).
. /harness/topology.env
secs=90
for a in $(cat /proc/cmdline); do
	case "$a" in hswapin=*) secs=${a#hswapin=} ;; esac
done
grep -q page_owner=on /proc/cmdline && echo "# page_owner=on"
cat /sys/kernel/mm/swap/vma_ra_enabled /proc/sys/vm/page-cluster 2>/dev/null |
	sed 's/^/# readahead: /'
MPOL_SWAPIN_NODES=$(echo $TOPO_ALL_NODES | tr " " ",") exec mpol_swapin "$secs"
