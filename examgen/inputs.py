"""Read input files safely: regular files only, within size limits, zips checked first.

Every input (bank, blueprint, manifest, roster, sheet, imported document) is read through
:func:`read_input`, so a FIFO cannot hang a command, a link to ``/dev/zero`` cannot fill
memory, and a zip bomb dressed as .xlsx or .docx is refused before it is opened.
The limits can be raised with environment variables, named in each message.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import zipfile
from pathlib import Path

from examgen.errors import ExamgenError
from examgen.i18n import N_, _

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


#: Why the system refused a file, in words a user reads (the system's own are English).
_OS_REASONS = {
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOENT: N_("file not found"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EISDIR: N_("is a folder, not a file"),
    errno.ELOOP: N_("too many levels of symbolic links"),
    errno.ENAMETOOLONG: N_("file name too long"),
    errno.EIO: N_("input/output error (is the disk or the network drive still there?)"),
    errno.ENXIO: N_("no such device"),
}


def os_reason(error: OSError) -> str:
    """Return why the system refused a file, in the current language where it is a common reason."""
    reason = _OS_REASONS.get(error.errno or 0)
    return _(reason) if reason else (error.strerror or str(error))


def read_input(path: Path, error: type[ExamgenError] = ExamgenError) -> bytes:
    """Return the bytes of the regular file ``path``; raise ``error`` naming it otherwise.

    Devices, pipes and sockets are refused without being opened for reading data, and so
    are files larger than EXAMGEN_MAX_INPUT_MB.
    """
    where = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(_("file not found"), where=where) from None
    except OSError as exc:
        raise error(_("cannot be read: {reason}").format(reason=os_reason(exc)), where=where) from None
    if stat.S_ISDIR(info.st_mode):
        raise error(_("is a folder, not a file"), where=where, hint=_("name the files inside it"))
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
        raise error(_("cannot be read: {reason}").format(reason=os_reason(exc)), where=where) from None
    if len(data) > limit * MB:
        raise error(
            _("is larger than {limit} MB, the limit for an input file").format(limit=limit),
            where=where,
            hint=_("split it, or set EXAMGEN_MAX_INPUT_MB={limit} to raise the limit").format(limit=limit * 4),
        )
    return data


def _not_regular(error: type[ExamgenError], where: str) -> ExamgenError:
    return error(
        _("is not a regular file (a device, pipe or socket); examgen reads regular files only"),
        where=where,
        hint=_("give a file saved on disk"),
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
            _("holds {count} parts, more than the {limit} an Office file may have").format(
                count=len(parts), limit=MAX_ZIP_PARTS),
            where=where,
            hint=_("open it in Excel/Word/WPS and save it again"),
        )
    unpacked = sum(p.file_size for p in parts)
    limit = limit_mb("EXAMGEN_MAX_UNZIPPED_MB", MAX_UNZIPPED_MB)
    if unpacked > limit * MB:
        raise error(
            _("unpacks to {size} MB, more than the limit of {limit} MB").format(size=unpacked // MB, limit=limit),
            where=where,
            hint=_("split it, or set EXAMGEN_MAX_UNZIPPED_MB={limit} to raise the limit").format(limit=unpacked // MB + 1),
        )
    if unpacked > 10 * MB and unpacked > MAX_ZIP_RATIO * len(data):
        raise error(
            _("unpacks to {ratio} times its size (a zip bomb?); the limit is {limit}:1").format(
                ratio=unpacked // max(len(data), 1), limit=MAX_ZIP_RATIO),
            where=where,
            hint=_("open it in Excel/Word/WPS and save it again"),
        )
