#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""cri.py: the few CRI calls a kubelet makes for one container, spoken to
containerd (or any CRI runtime) over its unix socket, for the mpol client
tests (clients_cri). Debian 12's python3-grpcio and python3-protobuf only:
the messages are built at run time from a subset of the published CRI API
definition (k8s.io/cri-api, package runtime.v1, pkg/apis/runtime/v1/
api.proto), with the field numbers of api.proto; fields this client never
sets are left out (proto3 ignores unknown fields both ways). Enums are
declared as int32, which has the same encoding.

  cri.py [-s SOCKET] version
  cri.py [-s SOCKET] runp NAME CGROUP_PARENT            -> pod sandbox id
  cri.py [-s SOCKET] create POD_ID NAME CGROUP_PARENT IMAGE
         [-m HOST:CTR]... [-u KEY=VALUE]... -- CMD...    -> container id
  cri.py [-s SOCKET] start|stop|rm|status ID
  cri.py [-s SOCKET] update ID [-u KEY=VALUE]...
  cri.py [-s SOCKET] stopp|rmp POD_ID

NAME and CGROUP_PARENT of create are those of runp: a kubelet sends the
pod's PodSandboxConfig again with CreateContainer. The pod uses the node's
network, PID and IPC namespaces (NamespaceMode NODE), as a hostNetwork pod
does, so no CNI network is needed. -u sets an entry of
LinuxContainerResources.unified (cgroup v2 file name -> value; a value
may hold several lines). status prints the verbose info's pid and the
runtime's view of the resources. A refused call prints the gRPC status
code and message and exits 1.
"""
import argparse
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, message_factory

PKG = "runtime.v1"
F = descriptor_pb2.FieldDescriptorProto
T = {"string": F.TYPE_STRING, "bool": F.TYPE_BOOL, "int64": F.TYPE_INT64,
     "int32": F.TYPE_INT32, "uint32": F.TYPE_UINT32, "bytes": F.TYPE_BYTES}

# message -> [(field, number, type, repeated)]; type "map" is
# map<string, string>; another name is a message of this list
MESSAGES = {
    "VersionRequest": [("version", 1, "string", False)],
    "VersionResponse": [("version", 1, "string", False),
                        ("runtime_name", 2, "string", False),
                        ("runtime_version", 3, "string", False),
                        ("runtime_api_version", 4, "string", False)],
    "PodSandboxMetadata": [("name", 1, "string", False), ("uid", 2, "string", False),
                           ("namespace", 3, "string", False),
                           ("attempt", 4, "uint32", False)],
    # network, pid, ipc: enum NamespaceMode (POD 0, CONTAINER 1, NODE 2)
    "NamespaceOption": [("network", 1, "int32", False), ("pid", 2, "int32", False),
                        ("ipc", 3, "int32", False)],
    "LinuxSandboxSecurityContext": [("namespace_options", 1, "NamespaceOption", False),
                                    ("privileged", 6, "bool", False)],
    "LinuxContainerResources": [("memory_limit_in_bytes", 4, "int64", False),
                                ("cpuset_mems", 7, "string", False),
                                ("unified", 9, "map", False)],
    "LinuxPodSandboxConfig": [("cgroup_parent", 1, "string", False),
                              ("security_context", 2, "LinuxSandboxSecurityContext", False)],
    "PodSandboxConfig": [("metadata", 1, "PodSandboxMetadata", False),
                         ("hostname", 2, "string", False),
                         ("log_directory", 3, "string", False),
                         ("labels", 6, "map", False), ("annotations", 7, "map", False),
                         ("linux", 8, "LinuxPodSandboxConfig", False)],
    "RunPodSandboxRequest": [("config", 1, "PodSandboxConfig", False),
                             ("runtime_handler", 2, "string", False)],
    "RunPodSandboxResponse": [("pod_sandbox_id", 1, "string", False)],
    "StopPodSandboxRequest": [("pod_sandbox_id", 1, "string", False)],
    "StopPodSandboxResponse": [],
    "RemovePodSandboxRequest": [("pod_sandbox_id", 1, "string", False)],
    "RemovePodSandboxResponse": [],
    "ContainerMetadata": [("name", 1, "string", False), ("attempt", 2, "uint32", False)],
    "ImageSpec": [("image", 1, "string", False)],
    "KeyValue": [("key", 1, "string", False), ("value", 2, "string", False)],
    "Mount": [("container_path", 1, "string", False), ("host_path", 2, "string", False),
              ("readonly", 3, "bool", False)],
    "LinuxContainerSecurityContext": [("privileged", 2, "bool", False),
                                      ("namespace_options", 3, "NamespaceOption", False)],
    "LinuxContainerConfig": [("resources", 1, "LinuxContainerResources", False),
                             ("security_context", 2, "LinuxContainerSecurityContext", False)],
    "ContainerConfig": [("metadata", 1, "ContainerMetadata", False),
                        ("image", 2, "ImageSpec", False),
                        ("command", 3, "string", True), ("args", 4, "string", True),
                        ("working_dir", 5, "string", False),
                        ("envs", 6, "KeyValue", True), ("mounts", 7, "Mount", True),
                        ("labels", 9, "map", False), ("annotations", 10, "map", False),
                        ("log_path", 11, "string", False),
                        ("linux", 15, "LinuxContainerConfig", False)],
    "CreateContainerRequest": [("pod_sandbox_id", 1, "string", False),
                               ("config", 2, "ContainerConfig", False),
                               ("sandbox_config", 3, "PodSandboxConfig", False)],
    "CreateContainerResponse": [("container_id", 1, "string", False)],
    "StartContainerRequest": [("container_id", 1, "string", False)],
    "StartContainerResponse": [],
    "StopContainerRequest": [("container_id", 1, "string", False),
                             ("timeout", 2, "int64", False)],
    "StopContainerResponse": [],
    "RemoveContainerRequest": [("container_id", 1, "string", False)],
    "RemoveContainerResponse": [],
    "UpdateContainerResourcesRequest": [("container_id", 1, "string", False),
                                        ("linux", 2, "LinuxContainerResources", False)],
    "UpdateContainerResourcesResponse": [],
    "ContainerStatusRequest": [("container_id", 1, "string", False),
                               ("verbose", 2, "bool", False)],
    # status: message ContainerStatus, kept undecoded (same wire type)
    "ContainerStatusResponse": [("status", 1, "bytes", False), ("info", 2, "map", False)],
}


def build_classes():
    fdp = descriptor_pb2.FileDescriptorProto(name="mpol_cri_subset.proto",
                                             package=PKG, syntax="proto3")
    for mname, fields in MESSAGES.items():
        m = fdp.message_type.add(name=mname)
        for fname, num, ftype, rep in fields:
            f = m.field.add(name=fname, number=num)
            if ftype == "map":
                entry = "".join(p.capitalize() for p in fname.split("_")) + "Entry"
                e = m.nested_type.add(name=entry)
                e.options.map_entry = True
                e.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
                e.field.add(name="value", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
                f.type = F.TYPE_MESSAGE
                f.type_name = ".%s.%s.%s" % (PKG, mname, entry)
                f.label = F.LABEL_REPEATED
            elif ftype in T:
                f.type = T[ftype]
                f.label = F.LABEL_REPEATED if rep else F.LABEL_OPTIONAL
            else:
                f.type = F.TYPE_MESSAGE
                f.type_name = ".%s.%s" % (PKG, ftype)
                f.label = F.LABEL_REPEATED if rep else F.LABEL_OPTIONAL
    classes = message_factory.GetMessages([fdp])
    return {k.split(".")[-1]: v for k, v in classes.items()}


M = build_classes()
NODE = 2


class Cri:
    def __init__(self, socket):
        self.ch = grpc.insecure_channel("unix://" + socket)

    def call(self, method, req, timeout=120):
        rpc = self.ch.unary_unary("/%s.RuntimeService/%s" % (PKG, method),
                                  request_serializer=lambda m: m.SerializeToString(),
                                  response_deserializer=M[method + "Response"].FromString)
        return rpc(req, timeout=timeout)


def sandbox_config(name, cgroup_parent):
    c = M["PodSandboxConfig"]()
    c.metadata.name = name
    c.metadata.uid = "mpol-" + name
    c.metadata.namespace = "default"
    c.hostname = ""
    c.log_directory = "/var/log/pods/default_%s" % name
    c.linux.cgroup_parent = cgroup_parent
    ns = c.linux.security_context.namespace_options
    ns.network, ns.pid, ns.ipc = NODE, NODE, NODE
    return c


def unified(pairs):
    out = {}
    for p in pairs or []:
        k, sep, v = p.partition("=")
        if not sep:
            sys.exit("cri.py: -u wants KEY=VALUE, got %r" % p)
        out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser(description="minimal CRI client (runtime.v1)")
    ap.add_argument("-s", "--socket", default="/run/containerd/containerd.sock")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("version")
    p = sub.add_parser("runp")
    p.add_argument("name")
    p.add_argument("cgroup_parent")
    p = sub.add_parser("create")
    p.add_argument("pod")
    p.add_argument("name")
    p.add_argument("cgroup_parent")
    p.add_argument("image")
    p.add_argument("-m", "--mount", action="append")
    p.add_argument("-u", "--unified", action="append")
    p.add_argument("command", nargs="+")
    for c in ("start", "stop", "rm", "status", "stopp", "rmp"):
        sub.add_parser(c).add_argument("id")
    p = sub.add_parser("update")
    p.add_argument("id")
    p.add_argument("-u", "--unified", action="append")
    a = ap.parse_args()
    cri = Cri(a.socket)
    try:
        if a.cmd == "version":
            r = cri.call("Version", M["VersionRequest"](version="v1"))
            print("%s %s (CRI %s)" % (r.runtime_name, r.runtime_version, r.runtime_api_version))
        elif a.cmd == "runp":
            r = cri.call("RunPodSandbox", M["RunPodSandboxRequest"](
                config=sandbox_config(a.name, a.cgroup_parent)))
            print(r.pod_sandbox_id)
        elif a.cmd == "create":
            c = M["ContainerConfig"]()
            c.metadata.name = a.name
            c.image.image = a.image
            c.command.extend(a.command)
            c.log_path = "%s.log" % a.name
            for m in a.mount or []:
                host, _, ctr = m.partition(":")
                c.mounts.add(host_path=host, container_path=ctr)
            for k, v in unified(a.unified).items():
                c.linux.resources.unified[k] = v
            ns = c.linux.security_context.namespace_options
            ns.network, ns.pid, ns.ipc = NODE, NODE, NODE
            r = cri.call("CreateContainer", M["CreateContainerRequest"](
                pod_sandbox_id=a.pod, config=c,
                sandbox_config=sandbox_config(a.name, a.cgroup_parent)))
            print(r.container_id)
        elif a.cmd == "start":
            cri.call("StartContainer", M["StartContainerRequest"](container_id=a.id))
        elif a.cmd == "update":
            req = M["UpdateContainerResourcesRequest"](container_id=a.id)
            req.linux.SetInParent()
            for k, v in unified(a.unified).items():
                req.linux.unified[k] = v
            cri.call("UpdateContainerResources", req)
        elif a.cmd == "status":
            r = cri.call("ContainerStatus", M["ContainerStatusRequest"](
                container_id=a.id, verbose=True))
            info = json.loads(r.info.get("info", "{}"))
            res = info.get("runtimeSpec", {}).get("linux", {}).get("resources", {})
            print("pid %s unified %s" % (info.get("pid"), json.dumps(res.get("unified"))))
        elif a.cmd == "stop":
            cri.call("StopContainer", M["StopContainerRequest"](container_id=a.id, timeout=0))
        elif a.cmd == "rm":
            cri.call("RemoveContainer", M["RemoveContainerRequest"](container_id=a.id))
        elif a.cmd == "stopp":
            cri.call("StopPodSandbox", M["StopPodSandboxRequest"](pod_sandbox_id=a.id))
        elif a.cmd == "rmp":
            cri.call("RemovePodSandbox", M["RemovePodSandboxRequest"](pod_sandbox_id=a.id))
    except grpc.RpcError as e:
        print("cri.py %s: %s: %s" % (a.cmd, e.code().name, e.details()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
