"""ZIP archives with fixed entry times, so that XLSX, DOCX and bundles are byte-for-byte reproducible.

openpyxl and python-docx stamp every member of their ZIP with the current time; `zip_normalize`
rewrites the members, in the same order, with the snapshot's time instead.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

# ZIP times cannot precede 1980; the permissions are fixed too (rw-r--r--).
EXTERNAL_ATTR = 0o100644 << 16


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    moment = max(moment.replace(tzinfo=None), datetime(1980, 1, 1))
    return (
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second - moment.second % 2,
    )


def zip_entry(archive: zipfile.ZipFile, name: str, data: bytes, moment: datetime) -> None:
    info = zipfile.ZipInfo(name, date_time=zip_time(moment))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = EXTERNAL_ATTR
    info.create_system = 3  # Unix, whatever the machine
    archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)


def zip_normalize(data: bytes, moment: datetime) -> bytes:
    """The same archive with every member dated `moment` (order and contents unchanged)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            zip_entry(target, info.filename, source.read(info), moment)
    return out.getvalue()
