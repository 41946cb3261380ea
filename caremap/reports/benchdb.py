"""`python -m caremap.reports.benchdb reset URL`: drop and create the
PostgreSQL database the area benchmark seeds, so every run starts empty.
Refuses any database whose name does not end in "_bench"."""

import sys
from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def reset(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_bench"):
        raise SystemExit(f"refusing to reset {name!r}: its name must end in _bench")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "reset":
        raise SystemExit("usage: python -m caremap.reports.benchdb reset URL")
    reset(sys.argv[2])
