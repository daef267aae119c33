#!/bin/bash
# docs/using-mpol.md section 4, containerd: the CRI calls of a kubelet
# (RunPodSandbox, CreateContainer with linux.resources.unified,
# StartContainer, UpdateContainerResources) sent by cri.py (a minimal
# runtime.v1 client on python3-grpcio/python3-protobuf) to Debian 12's
# containerd 1.6.20 (CRI plugin, runc 1.1.5, cgroupfs driver); the
# container's pages land by the weights, and after the update new pages
# of the same process follow the new ones. Refused values: the exact
# error, nothing changed.
. /harness/clients/lib.sh

grep -qw mpol $CG/cgroup.subtree_control || echo +mpol >$CG/cgroup.subtree_control
W=/run/mpol-cri
rm -rf $W
mkdir -p $W/ctl
mkfifo $W/ctl/fifo
check "containerd-config: local sandbox image, containerd restarted" recipe containerd-config
for ((i = 0; i < 100; i++)); do
	[[ -S /run/containerd/containerd.sock ]] && cri.py version >/dev/null 2>&1 && break
	sleep 0.2
done
check "containerd answers on its CRI socket: $(cri.py version 2>&1)" cri.py version
# the images, built offline by harness/clients.sh (docker-archive)
ctr -n k8s.io images import /harness/images/mpol-images.tar 2>&1 | diag
check "images imported into containerd's k8s.io namespace" \
	bash -c "ctr -n k8s.io images ls -q | grep -qx localhost/mpol-pause:1 && ctr -n k8s.io images ls -q | grep -qx localhost/mpol-busybox:1"
check "/mpol-k8s does not exist before the pod" test ! -e $CG/mpol-k8s
check "cri-run: RunPodSandbox, CreateContainer with unified, StartContainer" recipe cri-run
read -r pod ctr <$W/ids
echo "pod $pod container $ctr" | diag
check "the kernel has what CreateContainer asked for: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $RECIPE_OUT)" = "weighted-interleave:0-2 / 0 6 / 1 3"
echo "/mpol-k8s subtree_control (created by runc): $(cat $CG/mpol-k8s/cgroup.subtree_control)" | diag
expect_pages "CRI container (6:3:1)" "N0=600 N1=300 N2=100 N3=0" "$(batch $W/ctl/fifo $W/ctl/out)"
st=$(cri.py status "$ctr")
echo "ContainerStatus: $st" | diag
pid=$(cat $CG/mpol-k8s/$ctr/cgroup.procs)
check "cri-update: UpdateContainerResources with new unified values" recipe cri-update
check "mpol files after the update: $(cgfile $RECIPE_OUT)" \
	test "$(cgfile $RECIPE_OUT)" = "weighted-interleave:1-3 / 0 6 / 3 3"
expect_pages "same CRI container after UpdateContainerResources (1:1:3)" "N0=0 N1=200 N2=200 N3=600" "$(batch $W/ctl/fifo $W/ctl/out)"
check "the same process ($pid) served both batches" test "$(cat $CG/mpol-k8s/$ctr/cgroup.procs)" = "$pid"
st=$(cri.py status "$ctr")
echo "ContainerStatus after the update: $st" | diag
check "containerd keeps the updated unified map in the container's spec" \
	grep -qF '"mpol.policy": "weighted-interleave:1-3"' <<<"$st"
# refused values
out=$(cri.py update "$ctr" -u 'mpol.weights=1 4
3 0' 2>&1)
rc=$?
echo "UpdateContainerResources with \"1 4\\n3 0\": rc=$rc: $out" | diag
check "a bad line fails the call with runc's error" \
	grep -qF "cri.py update: UNKNOWN: failed to update resources: failed to update resources: runc did not terminate successfully: exit status 1: unable to set unified resource \"mpol.weights\": failed to write \"1 4\\n3 0\": write $CG/mpol-k8s/$ctr/mpol.weights: numerical result out of range" <<<"$out"
check "... and changes nothing: $(cgfile $CG/mpol-k8s/$ctr/mpol.weights)" \
	test "$rc" = 1 -a "$(cgfile $CG/mpol-k8s/$ctr/mpol.weights)" = "0 6 / 3 3"
out=$(cri.py update "$ctr" -u 'mpol.nosuchfile=1' 2>&1)
echo "UpdateContainerResources with mpol.nosuchfile: $out" | diag
check "a key without a file: 'openat2 ...: no such file or directory'" \
	grep -qF "unable to set unified resource \"mpol.nosuchfile\": openat2 $CG/mpol-k8s/$ctr/mpol.nosuchfile: no such file or directory" <<<"$out"
expect_pages "CRI container after the refused updates" "N0=0 N1=200 N2=200 N3=600" "$(batch $W/ctl/fifo $W/ctl/out)"
cri.py stop "$ctr" && cri.py rm "$ctr" && cri.py stopp "$pod" && cri.py rmp "$pod"
check "StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox" test $? = 0
check "the container's cgroup is gone" test ! -e $CG/mpol-k8s/$ctr
systemctl stop containerd
finish
