"""Write outputs safely: to a temporary file first, then moved into place."""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from examgen.errors import OutputError

#: A name that becomes a file or folder name (paper id, form letter): letters, digits
#: (CJK included), ``-``, ``_`` and inner dots; never a path, never hidden.
_SAFE_NAME = re.compile(r"[^\W][\w.-]{0,63}")


def is_safe_name(name: str) -> bool:
    """Return whether ``name`` can be used as a file or folder name without leaving its folder."""
    return bool(_SAFE_NAME.fullmatch(name)) and not name.endswith(".")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_existing(paths: list[Path], *, force: bool) -> None:
    """Raise OutputError naming the first existing path unless ``force``."""
    if force:
        return
    existing = [p for p in paths if p.exists()]
    if existing:
        raise OutputError(
            "already exists; nothing was written",
            where=str(existing[0]),
            hint="pass --force to overwrite, or --out to write elsewhere",
        )


@contextmanager
def staged_folder(target: Path, *, force: bool) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    On any error the temporary folder is removed and ``target`` is left as it was,
    so a failed run never leaves half its outputs behind.
    """
    if target.exists() and not force:
        raise OutputError(
            "output folder already exists; nothing was written",
            where=str(target),
            hint="pass --force to overwrite it, or --out to write elsewhere",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)


#: The earliest date a zip entry can carry; used so that archives do not depend on the clock.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def restamp_zip(data: bytes) -> bytes:
    """Return the zip ``data`` rewritten with every entry dated 1980-01-01, order kept.

    Office files are zip archives; fixing the entry dates makes the same content give
    the same bytes (and the same sha256 in the manifest).
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
