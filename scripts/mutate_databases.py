"""Copies the mutation run's test database once per extra child (tests/existing_db.py).

    python scripts/mutate_databases.py N     # test_<NAME> → test_<NAME>_1 … test_<NAME>_{N-1}

Reads DATABASE_URL like the settings do; the copies are made from the database `make mutate` has just
created and migrated, so every child tests against the same schema and rows.
"""

import os
import sys
from urllib.parse import urlparse

import psycopg
from psycopg import sql


def main(children: int) -> None:
    url = urlparse(os.environ["DATABASE_URL"])
    if url.scheme not in ("postgres", "postgresql"):
        sys.exit("mutation copies need PostgreSQL (DATABASE_URL)")
    source = "test_" + url.path.lstrip("/")
    with psycopg.connect(
        dbname="postgres",
        user=url.username,
        password=url.password,
        host=url.hostname,
        port=url.port,
        autocommit=True,
    ) as connection:
        for slot in range(1, children):
            copy = sql.Identifier(f"{source}_{slot}")
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(copy))
            connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(copy, sql.Identifier(source)))
            print(f"{source}_{slot}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
