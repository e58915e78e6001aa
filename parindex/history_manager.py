"""django-simple-history's manager, whose class is built once (issue 17).

`instance.history` builds a new manager class with `from_queryset` on every access, copying the
queryset's methods by introspection, and every audit row the library writes reads it once: on the
autosave a tenth of the audit's CPU (docs/performance.md). The class depends only on its arguments,
so it is made once per queryset class, as Django's own `Manager` is.
"""

from __future__ import annotations

import functools

from simple_history import manager


class HistoryManager(manager.HistoryManager):
    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)
