"""Read input files safely: regular files only, within size limits, zips checked first.

Every input (bank, blueprint, manifest, roster, sheet, imported document) is read through
:func:`read_input`, so a FIFO cannot hang a command, a link to ``/dev/zero`` cannot fill
memory, and a zip bomb dressed as .xlsx or .docx is refused before it is opened.
The limits can be raised with environment variables, named in each message.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from examgen.errors import ExamgenError

#: Largest input file, in MB (EXAMGEN_MAX_INPUT_MB).
MAX_INPUT_MB = 16
#: Largest total of the unpacked parts of an .xlsx or .docx, in MB (EXAMGEN_MAX_UNZIPPED_MB).
MAX_UNZIPPED_MB = 200
#: Highest ratio of unpacked to packed size of an .xlsx or .docx (a zip bomb has thousands).
MAX_ZIP_RATIO = 100
#: Most parts an .xlsx or .docx may hold.
MAX_ZIP_PARTS = 5000

MB = 1024 * 1024


def limit_mb(name: str, default: int) -> int:
    """Return the limit in MB from environment variable ``name``, or ``default``."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def read_input(path: Path, error: type[ExamgenError] = ExamgenError) -> bytes:
    """Return the bytes of the regular file ``path``; raise ``error`` naming it otherwise.

    Devices, pipes and sockets are refused without being opened for reading data, and so
    are files larger than EXAMGEN_MAX_INPUT_MB.
    """
    where = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error("file not found", where=where) from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", where=where) from None
    if stat.S_ISDIR(info.st_mode):
        raise error("is a folder, not a file", where=where, hint="name the files inside it")
    limit = limit_mb("EXAMGEN_MAX_INPUT_MB", MAX_INPUT_MB)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(error, where)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as f:
            # Checked again on the open file: the path may have been swapped meanwhile.
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise _not_regular(error, where)
            data = f.read(limit * MB + 1)
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", where=where) from None
    if len(data) > limit * MB:
        raise error(
            f"is larger than {limit} MB, the limit for an input file",
            where=where,
            hint=f"split it, or set EXAMGEN_MAX_INPUT_MB={limit * 4} to raise the limit",
        )
    return data


def _not_regular(error: type[ExamgenError], where: str) -> ExamgenError:
    return error(
        "is not a regular file (a device, pipe or socket); examgen reads regular files only",
        where=where,
        hint="give a file saved on disk",
    )


def check_zip(path: Path | str, data: bytes, error: type[ExamgenError] = ExamgenError) -> None:
    """Raise ``error`` when the zip ``data`` (an .xlsx or .docx) would unpack too large.

    Checks the part count, the total unpacked size and its ratio to the packed size from
    the zip's directory, before any part is unpacked. Not a zip: nothing to check.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    where = str(path)
    if len(parts) > MAX_ZIP_PARTS:
        raise error(
            f"holds {len(parts)} parts, more than the {MAX_ZIP_PARTS} an Office file may have",
            where=where,
            hint="open it in Excel/Word/WPS and save it again",
        )
    unpacked = sum(p.file_size for p in parts)
    limit = limit_mb("EXAMGEN_MAX_UNZIPPED_MB", MAX_UNZIPPED_MB)
    if unpacked > limit * MB:
        raise error(
            f"unpacks to {unpacked // MB} MB, more than the limit of {limit} MB",
            where=where,
            hint=f"split it, or set EXAMGEN_MAX_UNZIPPED_MB={unpacked // MB + 1} to raise the limit",
        )
    if unpacked > 10 * MB and unpacked > MAX_ZIP_RATIO * len(data):
        raise error(
            f"unpacks to {unpacked // max(len(data), 1)} times its size (a zip bomb?); "
            f"the limit is {MAX_ZIP_RATIO}:1",
            where=where,
            hint="open it in Excel/Word/WPS and save it again",
        )
