"""The signed-in user, read on every request by SQL built once per process (issue 17).

Django's ModelBackend reads the session's user through the ORM, whose compile of that one-row query
cost more CPU than the rest of the user's authentication (docs/performance.md). The read is the same
row, on every request as before (a deactivated or deleted account is refused at its next request), by
parindex.row_reads, whose instances equal the ORM's; passwords are checked by Django's code unchanged.
"""

from __future__ import annotations

from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router

from parindex import row_reads


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            key = model._meta.pk.to_python(user_id)
        except ValidationError:  # as the ORM's lookup by a malformed key: no such user
            return None
        # The row as the default manager would give it: Django's UserManager filters nothing (a test holds
        # it; a manager that hid users, e.g. soft-deleted ones, would have to filter here too).
        connection = connections[router.db_for_read(model)]
        column = connection.ops.quote_name(model._meta.pk.column)
        user = row_reads.one(model, f"{column} = %s", [key], connection)
        return user if user is not None and self.user_can_authenticate(user) else None
