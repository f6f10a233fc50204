"""Write outputs safely: to a temporary file first, then moved into place."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import secrets
import shutil
import signal
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from examgen.errors import OutputError
from examgen.i18n import _, listing

#: A name that becomes a file or folder name (paper id, form letter): letters, digits
#: (CJK included), ``-``, ``_`` and inner dots; never a path, never hidden.
_SAFE_NAME = re.compile(r"[^\W][\w.-]{0,63}")


def is_safe_name(name: str) -> bool:
    """Return whether ``name`` can be used as a file or folder name without leaving its folder."""
    return bool(_SAFE_NAME.fullmatch(name)) and not name.endswith(".")


#: Lock file taken in the folder a command writes into, for as long as it writes.
LOCK_NAME = ".examgen.lock"
#: Journal of a set of renames: once written, the set is completed even after a kill.
JOURNAL_NAME = ".examgen-journal.json"
#: Part of the name of every temporary file and folder examgen makes beside its outputs.
TEMP_TAG = ".examgen-"
#: Test hook: kill the process with SIGKILL after this many file-system steps.
KILL_AFTER_ENV = "EXAMGEN_TEST_KILL_AFTER"

log = logging.getLogger("examgen")
_steps = 0


def _step() -> None:
    """Count a file-system step; under the test hook, die here like a power cut would."""
    global _steps
    _steps += 1
    if os.environ.get(KILL_AFTER_ENV) == str(_steps):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (a staging or temporary file) and flush it to disk."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    _step()


def _temp_name(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}{TEMP_TAG}{secrets.token_hex(4)}.{kind}")


@contextmanager
def output_lock(folder: Path, also: Iterable[Path] = ()) -> Iterator[None]:
    """Hold the lock of ``folder`` (made if needed); finish or clean what a killed run left.

    A second command writing into the same folder meanwhile fails at once with OutputError
    instead of mixing its files with ours. Temporaries left in ``folder`` (and in the
    folders ``also``) by a killed run are removed once the lock is held.
    """
    made = _first_missing(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / LOCK_NAME
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise OutputError(
                _("another examgen command is writing into this folder; nothing was written"),
                where=str(folder),
                hint=_("wait for it to finish, then run again"),
            )
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock_path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the holder removed the file as we opened it: lock the new one
    try:
        recover(folder, also)
        yield
    except BaseException:
        lock_path.unlink(missing_ok=True)
        if made is not None:
            _remove_empty(folder, made)  # a failed run leaves no new empty folders behind
        raise
    finally:
        lock_path.unlink(missing_ok=True)
        os.close(fd)


def _first_missing(folder: Path) -> Path | None:
    """Return the outermost folder of ``folder``'s path that does not exist yet, or None."""
    missing = None
    for place in [folder, *folder.parents]:
        if place.exists():
            break
        missing = place
    return missing


def _remove_empty(folder: Path, up_to: Path) -> None:
    for place in [folder, *folder.parents]:
        try:
            place.rmdir()
        except OSError:
            return
        if place == up_to:
            return


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def recover(folder: Path, also: Iterable[Path] = ()) -> list[str]:
    """Complete the journaled write a killed run left in ``folder``; remove its temporaries.

    Temporaries are looked for in ``folder`` and the folders ``also``.

    Call with the folder's lock held. Return (and log) one line per thing done.
    """
    done: list[str] = []
    journal = folder / JOURNAL_NAME
    if journal.exists():
        try:
            steps = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            steps = []
        for step in steps:
            source, target = Path(step["from"]), Path(step["to"])
            if step.get("swap"):
                _finish_swap(source, target)
            elif source.exists():
                os.replace(source, target)
        journal.unlink()
        done.append(_("finished writing {files}, which an interrupted run had started").format(
            files=listing(Path(s["to"]).name for s in steps)))
    for place in sorted({folder, *also}):
        if not place.is_dir():
            continue  # e.g. a staging folder removed a moment ago
        for entry in sorted(place.iterdir()):
            if TEMP_TAG not in entry.name or entry.name == JOURNAL_NAME:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            done.append(_("removed {path}, left behind by an interrupted run").format(path=entry))
    for line in done:
        log.warning(line)
    return done


def _finish_swap(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``, the old ``target`` aside first; safe to repeat."""
    old = target.with_name(f".{target.name}{TEMP_TAG}old")
    if staging.exists():
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            _step()
        os.replace(staging, target)
        _step()
    shutil.rmtree(old, ignore_errors=True)


def _write_journal(folder: Path, steps: list[dict]) -> None:
    journal = folder / JOURNAL_NAME
    tmp = _temp_name(journal, "tmp")
    write_file(tmp, json.dumps(steps, ensure_ascii=False).encode("utf-8"))
    os.replace(tmp, journal)
    _step()


def _finish_journal(folder: Path) -> None:
    (folder / JOURNAL_NAME).unlink()
    _step()


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise OutputError when an output is one of the inputs, or two outputs are one file."""
    seen: dict[Path, Path] = {}
    sources = [p for p in inputs if p.exists()]
    for path in outputs:
        resolved = path.resolve()
        if resolved in seen:
            raise OutputError(
                _("is named twice as an output (also as {path}); nothing was written").format(path=seen[resolved]),
                where=str(path),
                hint=_("give each output its own file name"),
            )
        seen[resolved] = path
        for source in sources:
            if resolved == source.resolve() or (path.exists() and path.samefile(source)):
                raise OutputError(
                    _("is also an input of this command, and would be overwritten; nothing was written"),
                    where=str(path),
                    hint=_("write the output to another file (e.g. with --out)"),
                )


def write_outputs(
    outputs: Sequence[tuple[Path, bytes]], *, force: bool, inputs: Iterable[Path] = ()
) -> None:
    """Write every (path, bytes) of ``outputs`` as one set: all of them, or none.

    Each file is written to a temporary beside its target; a journal then records the
    renames, which a later run completes if this one is killed. Refuse existing outputs
    without ``force``, and any output that is also an input.
    """
    paths = [p for p, _ in outputs]
    if not paths:
        return
    refuse_inputs(paths, inputs)
    refuse_existing(paths, force=force)
    root = Path(os.path.commonpath([str(p.parent.absolute()) for p in paths]))
    with output_lock(root, {p.parent for p in paths}):
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        refuse_existing(paths, force=force)  # one may have appeared while we worked
        steps: list[dict] = []
        try:
            for path, data in outputs:
                tmp = _temp_name(path, "tmp")
                steps.append({"from": str(tmp), "to": str(path)})
                write_file(tmp, data)
        except BaseException:
            for step in steps:
                Path(step["from"]).unlink(missing_ok=True)
            raise
        _write_journal(root, steps)
        for step in steps:
            os.replace(step["from"], step["to"])
            _step()
        _finish_journal(root)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    write_outputs([(path, data)], force=True)


def refuse_existing(paths: list[Path], *, force: bool) -> None:
    """Raise OutputError naming the first existing path unless ``force``."""
    if force:
        return
    existing = [p for p in paths if p.exists()]
    if existing:
        raise OutputError(
            _("already exists; nothing was written"),
            where=str(existing[0]),
            hint=_("pass --force to overwrite, or --out to write elsewhere"),
        )


@contextmanager
def staged_folder(target: Path, *, force: bool) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it replaces ``target``.

    The parent folder is locked meanwhile, so a second run into it fails instead of
    replacing our files. On any error the temporary folder is removed and ``target`` is
    left as it was; a kill leaves the old folder or the new one, never neither.
    """
    _refuse_folder(target, force)
    with output_lock(target.parent):
        _refuse_folder(target, force)
        staging = _temp_name(target, "staging")
        staging.mkdir()
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _write_journal(target.parent, [{"from": str(staging), "to": str(target), "swap": True}])
        _finish_swap(staging, target)
        _finish_journal(target.parent)


def _refuse_folder(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise OutputError(
            _("output folder already exists; nothing was written"),
            where=str(target),
            hint=_("pass --force to overwrite it, or --out to write elsewhere"),
        )


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
