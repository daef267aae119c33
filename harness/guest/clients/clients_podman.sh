#!/bin/bash
# docs/using-mpol.md section 4, podman: podman 4.3.1 (Debian 12) with
# --cgroup-conf mpol.policy=... --cgroup-conf mpol.weights=..., with crun
# and with runc as its runtime (cgroupfs manager, a parent with mpol);
# what the default systemd manager does with crun. Pages counted.
. /harness/clients/lib.sh

grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
echo "$(podman --version)" | diag
podman load -q -i /harness/images/mpol-images.tar 2>&1 | diag
check "image loaded (built offline by harness/clients.sh)" \
	podman image exists localhost/mpol-busybox:1
check "podman-run: --cgroup-conf with crun, then runc" recipe podman-run
mapfile -t lines < <(grep '^N0=' $RECIPE_OUT)
expect_pages "podman --runtime crun (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "${lines[0]:-none}"
expect_pages "podman --runtime runc (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "${lines[1]:-none}"
# an unquoted multi-line value: podman's CSV parsing of --cgroup-conf
# keeps its first line only
for rt in crun runc; do
	out=$(podman --runtime $rt --cgroup-manager cgroupfs run --rm --network none \
		--security-opt seccomp=unconfined --cgroup-parent /mpol-podman \
		--cgroup-conf mpol.policy=weighted-interleave:0-2 --cgroup-conf 'mpol.weights=0 6
1 3' localhost/mpol-busybox:1 sh -c 'cat /sys/fs/cgroup/mpol.weights; pagecount 1000' 2>&1)
	echo "unquoted 'mpol.weights=0 6\n1 3', $rt: $out" | diag
	check "podman ($rt): an unquoted two-line --cgroup-conf value sets its first line only" \
		test "$(grep -v '^N0=' <<<"$out" | cgfile /dev/stdin)" = "0 6"
	expect_pages "... the pages land at 6:1:1" "N0=750 N1=125 N2=125 N3=0" "$(grep '^N0=' <<<"$out")"
done
# a comma in an unquoted value
out=$(podman --runtime crun --cgroup-manager cgroupfs run --rm --network none \
	--cgroup-parent /mpol-podman --cgroup-conf mpol.policy=weighted-interleave:0,2 \
	localhost/mpol-busybox:1 cat /sys/fs/cgroup/mpol.policy 2>&1)
echo "unquoted mpol.policy=weighted-interleave:0,2: $out" | diag
check "an unquoted comma splits the value: 'Error: --cgroup-conf must be formatted KEY=VALUE'" \
	grep -qxF 'Error: --cgroup-conf must be formatted KEY=VALUE' <<<"$out"
out=$(podman --runtime crun --cgroup-manager cgroupfs run --rm --network none \
	--cgroup-parent /mpol-podman --cgroup-conf '"mpol.policy=weighted-interleave:0,2"' \
	localhost/mpol-busybox:1 cat /sys/fs/cgroup/mpol.policy 2>&1)
echo "quoted mpol.policy=weighted-interleave:0,2: $out" | diag
check "a CSV-quoted value keeps its comma: $out" test "$out" = "weighted-interleave:0,2"
# the cgroup the runtime made, seen from inside while the container runs
out=$(podman --runtime runc --cgroup-manager cgroupfs run --rm --network none \
	--cgroup-parent /mpol-podman --cgroup-conf mpol.policy=bind:3 \
	localhost/mpol-busybox:1 cat /sys/fs/cgroup/mpol.policy 2>&1)
check "the container's own cgroup has mpol.policy bind:3 ($out)" test "$out" = bind:3
# the default (systemd) cgroup manager with crun: a sub-cgroup without mpol
out=$(podman --runtime crun run --rm --network none --security-opt seccomp=unconfined \
	--cgroup-conf mpol.policy=weighted-interleave:0-2 \
	localhost/mpol-busybox:1 pagecount 1000 2>&1)
echo "podman --runtime crun, systemd cgroup manager: $out" | diag
check "crun with podman's systemd manager: 'crun: the requested cgroup controller \`mpol\` is not available'" \
	grep -qF 'OCI runtime error: crun: the requested cgroup controller `mpol` is not available' <<<"$out"
# podman's default seccomp profile refuses move_pages, CAP_SYS_NICE or not
out=$(podman --runtime crun --cgroup-manager cgroupfs run --rm --network none \
	--cap-add sys_nice --cgroup-parent /mpol-podman \
	--cgroup-conf mpol.policy=weighted-interleave:0-2 \
	localhost/mpol-busybox:1 pagecount 10 2>&1)
echo "default seccomp profile, --cap-add sys_nice: $out" | diag
check "under the default seccomp profile pagecount cannot count: 'move_pages: Operation not permitted'" \
	grep -qF 'move_pages: Operation not permitted' <<<"$out"
finish
