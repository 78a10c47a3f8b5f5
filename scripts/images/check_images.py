#!/usr/bin/env python3
"""Checks the service images pushed to a registry: each manifest exists under the immutable tag, sits on
the pinned base image (its first layer is the base's layer), runs `java -jar ... quarkus-run.jar` as a
non-root user, and exposes the http and management ports of k8s/base.

Usage: check_images.py <registry host:port> <tag> <base repository>@<digest> <service>...
Prints one line per image and `N passed, N failed`; exits 1 if any check failed.
"""
import json
import re
import sys
import urllib.request

ACCEPT = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
EXPECTED_PORTS = {"8080/tcp", "9000/tcp"}


def get(registry, path, accept=ACCEPT):
    request = urllib.request.Request(f"http://{registry}/v2/{path}", headers={"Accept": accept})
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def problems(registry, service, tag, base_layer):
    manifest = get(registry, f"forum/{service}/manifests/{tag}")
    config = get(registry, f"forum/{service}/blobs/{manifest['config']['digest']}", "*/*")["config"]
    entrypoint = config.get("Entrypoint") or []
    user = str(config.get("User", ""))
    ports = set((config.get("ExposedPorts") or {}).keys())
    found = []
    if manifest["layers"][0]["digest"] != base_layer:
        found.append(f"not on the pinned base image (first layer {manifest['layers'][0]['digest']})")
    if not entrypoint or not entrypoint[0].endswith("java") or not any("quarkus-run.jar" in a for a in entrypoint):
        found.append(f"entrypoint {entrypoint}")
    if not re.fullmatch(r"[1-9][0-9]*(:[0-9]+)?", user):
        found.append(f"user {user!r} (must be a non-root uid)")
    if not EXPECTED_PORTS <= ports:
        found.append(f"exposed ports {sorted(ports)} (expected {sorted(EXPECTED_PORTS)})")
    return found, f"entrypoint={' '.join(entrypoint)} user={user} ports={','.join(sorted(ports))}"


def main():
    registry, tag, base = sys.argv[1:4]
    services = sys.argv[4:]
    if not re.fullmatch(r"\d+\.\d+\.\d+-[0-9a-f]{7,40}", tag):
        sys.exit(f"tag {tag} is not <version>-<git sha>")
    base_repository, base_digest = base.split("@")
    base_layer = get(registry, f"{base_repository}/manifests/{base_digest}")["layers"][0]["digest"]
    passed = failed = 0
    for service in services:
        found, summary = problems(registry, service, tag, base_layer)
        if found:
            failed += 1
            print(f"FAIL {registry}/forum/{service}:{tag}: {'; '.join(found)}")
        else:
            passed += 1
            print(f"ok   {registry}/forum/{service}:{tag} on {base}: {summary}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
