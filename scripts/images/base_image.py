#!/usr/bin/env python3
"""Builds the services' base image here, without Docker, and pushes it to a registry.

The image is one reproducible layer: a jlinked Java 17 runtime (/opt/java), the shared libraries it
links against (from this machine's Debian packages), /etc/passwd and /etc/group with the user 185
the services run as, and a world-writable /tmp. Entries are sorted with mtime 0, so the same JDK and
libraries give the same digest. Prints the manifest's digest: the services' Jib build pins it
(quarkus.jib.base-jvm-image=<registry>/<repository>@<digest>).

Usage: base_image.py <registry host:port> <repository> <tag>
"""
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request

# Every Java SE module plus the JDK ones Quarkus, Netty and Micrometer reach for.
MODULES = "java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.zipfs,jdk.naming.dns,jdk.net"
USER = 185


def jlink(java_home, out):
    subprocess.run([os.path.join(java_home, "bin", "jlink"), "--add-modules", MODULES, "--strip-debug",
                    "--no-man-pages", "--no-header-files", "--compress=2", "--output", out], check=True)


def linked_libraries(runtime):
    """Absolute paths of the shared libraries the runtime's binaries and libraries need (ldd)."""
    libs = set()
    for root, _, files in os.walk(runtime):
        for name in files:
            path = os.path.join(root, name)
            if not (name.endswith(".so") or root.endswith("/bin")):
                continue
            out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
            for line in out.splitlines():
                match = re.search(r"(/\S+) \(0x", line)
                if match and not match.group(1).startswith(runtime):
                    libs.add(match.group(1))
    return sorted(libs)


def layer(runtime):
    """The layer as an uncompressed tar (bytes): deterministic order and metadata."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        added = set()

        def add_dir(name, mode=0o755):
            if name in added:
                return
            if "/" in name:
                add_dir(name.rsplit("/", 1)[0])
            added.add(name)
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, mode, 0
            tar.addfile(info)

        def add_file(name, data, mode=0o644):
            if "/" in name:
                add_dir(name.rsplit("/", 1)[0])
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 0
            tar.addfile(info, io.BytesIO(data))

        add_dir(f"home/{USER}")
        add_dir("tmp", 0o1777)
        add_file("etc/passwd", f"root:x:0:0:root:/root:/sbin/nologin\nforum:x:{USER}:{USER}:forum:/home/{USER}:"
                               "/sbin/nologin\n".encode())
        add_file("etc/group", f"root:x:0:\nforum:x:{USER}:\n".encode())
        for lib in linked_libraries(runtime):
            real = os.path.realpath(lib)
            with open(real, "rb") as f:
                add_file(lib.lstrip("/"), f.read(), 0o755)
        for root, dirs, files in os.walk(runtime):
            dirs.sort()
            rel = os.path.relpath(root, runtime)
            base = "opt/java" if rel == "." else f"opt/java/{rel}"
            add_dir(base)
            for name in sorted(files):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    add_file(f"{base}/{name}", f.read(), os.stat(path).st_mode & 0o777)
    return buffer.getvalue()


def push_blob(registry, repository, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    start = urllib.request.Request(f"http://{registry}/v2/{repository}/blobs/uploads/", method="POST")
    location = urllib.request.urlopen(start).headers["Location"]
    if location.startswith("/"):
        location = f"http://{registry}{location}"
    separator = "&" if "?" in location else "?"
    put = urllib.request.Request(f"{location}{separator}digest={digest}", data=data, method="PUT",
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(put)
    return digest


def main():
    registry, repository, tag = sys.argv[1:4]
    java_home = os.environ.get("JAVA_HOME") or os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("java"))))
    work = tempfile.mkdtemp(prefix="forum-base-image-")
    try:
        runtime = os.path.join(work, "jre")
        jlink(java_home, runtime)
        tar = layer(runtime)
        compressed = gzip.compress(tar, mtime=0)
        layer_digest = push_blob(registry, repository, compressed)
        config = json.dumps({
            "architecture": "amd64", "os": "linux",
            "config": {"User": str(USER), "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java"],
                       "WorkingDir": f"/home/{USER}"},
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]},
            "history": [{"created_by": "scripts/images/base_image.py (jlink " + MODULES + ")"}],
        }, sort_keys=True).encode()
        config_digest = push_blob(registry, repository, config)
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                       "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest,
                        "size": len(compressed)}],
        }, sort_keys=True).encode()
        urllib.request.urlopen(urllib.request.Request(
            f"http://{registry}/v2/{repository}/manifests/{tag}", data=manifest, method="PUT",
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"}))
        print("sha256:" + hashlib.sha256(manifest).hexdigest())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
