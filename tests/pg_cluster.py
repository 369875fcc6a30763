"""A throw-away PostgreSQL primary with streaming replicas on loopback, for tests and benchmarks.

Debian's server binaries (/usr/lib/postgresql/<version>/bin) run as the `postgres` user when we
are root (initdb refuses root), each server in its own data folder under one temporary folder,
on free ports; replicas are cloned with `pg_basebackup -R` and stream from the primary.
`close()` stops every server and removes the folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

DATABASE = "soev"
# Fast and small: the data is thrown away, the machine is shared.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "60",
    "max_wal_senders": "10",
    "wal_keep_size": "'256MB'",
    "hot_standby_feedback": "on",
    "logging_collector": "off",
}


class PostgresMissing(RuntimeError):
    """PostgreSQL's server binaries are not installed."""


def server_bin() -> Path:
    """The newest installed version's bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise PostgresMissing("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One postgres server process and its data folder."""

    def __init__(self, cluster: PgCluster, name: str) -> None:
        self.cluster = cluster
        self.name = name
        self.data = cluster.root / name
        self.port = free_port()

    @property
    def url(self) -> str:
        return self.database_url(DATABASE)

    def database_url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.cluster.run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l",
                         str(self.cluster.root / f"{self.name}.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        self.cluster.run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop", check=False)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def configure(self, extra: dict[str, str]) -> None:
        lines = [f"{key} = {value}" for key, value in {**SERVER_SETTINGS, **extra}.items()]
        with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write("\n".join(lines) + "\n")


class PgCluster:
    """A primary and `replicas` streaming replicas; use as a context manager or call close()."""

    def __init__(self, replicas: int = 1) -> None:
        self.bin = server_bin()
        self.as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="soev-pg-"))
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.primary = Server(self, "primary")
        self.replicas = [Server(self, f"replica{i}") for i in range(replicas)]
        self._databases = 0
        try:
            self._start(replicas)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def replica_urls(self) -> list[str]:
        return [replica.url for replica in self.replicas]

    def _start(self, replicas: int) -> None:
        self.run("initdb", "-D", str(self.primary.data), "-A", "trust", "-U", "postgres",
                 "-E", "UTF8", "--locale", "C.UTF-8")
        self.primary.configure({"port": str(self.primary.port),
                                "unix_socket_directories": f"'{self.root}'"})
        self.primary.start()
        with psycopg.connect(self.primary.url.rsplit("/", 1)[0] + "/postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        for replica in self.replicas:
            self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary.port),
                     "-U", "postgres", "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast")
            replica.configure({"port": str(replica.port)})
            replica.start()

    def new_database(self) -> tuple[str, list[str]]:
        """A fresh empty database: its URL on the primary and on each replica."""
        self._databases += 1
        name = f"{DATABASE}_{self._databases}"
        with psycopg.connect(self.primary.database_url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        self.wait_replayed()
        return self.primary.database_url(name), [r.database_url(name) for r in self.replicas]

    def run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")

    def wait_replayed(self, timeout: float = 30.0) -> None:
        """Until every running replica has replayed everything the primary has written."""
        with psycopg.connect(self.primary.url, autocommit=True) as conn:
            target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        for replica in self.replicas:
            if not replica.running():
                continue
            with psycopg.connect(replica.url, autocommit=True) as conn:
                while True:
                    behind = conn.execute("SELECT pg_wal_lsn_diff(%s, pg_last_wal_replay_lsn())",
                                          (target,)).fetchone()[0]
                    if behind <= 0:
                        break
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{replica.name} is {behind} bytes behind")
                    time.sleep(0.05)

    def close(self) -> None:
        for server in (*self.replicas, self.primary):
            if server.running():
                server.stop("immediate")
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root)
