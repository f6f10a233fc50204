"""Make a new workspace from the samples shipped inside the package (``examgen init``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from examgen.errors import OutputError
from examgen.i18n import _
from examgen.outputs import write_atomic

#: Folders of a workspace and the sample files shipped for each.
SAMPLE_FOLDERS = ("banks", "templates")
#: Sample files at the top of a workspace: a commented contest of two rounds and a
#: roster of 30 invented contestants, so that the README's commands run as written.
SAMPLE_TOP_FILES = ("contest.yaml", "roster.csv")


def sample_files() -> list[tuple[str, bytes]]:
    """Return (relative path, bytes) of every sample shipped in the package (banks, templates, …)."""
    root = resources.files("examgen") / "samples"
    files = []
    for folder in SAMPLE_FOLDERS:
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith("."):
                files.append((f"{folder}/{entry.name}", entry.read_bytes()))
    for name in SAMPLE_TOP_FILES:
        files.append((name, root.joinpath(name).read_bytes()))
    return files


def init_workspace(target: Path, *, force: bool = False) -> list[Path]:
    """Create a workspace in ``target`` (banks/, templates/, output/) and return the files written.

    Refuse to overwrite existing sample files unless ``force``.
    """
    files = sample_files()
    existing = [target / name for name, _ in files if (target / name).exists()]
    if existing and not force:
        raise OutputError(
            _("already exists; nothing was written"),
            where=str(existing[0]),
            hint=_("pass --force to overwrite the sample files, or choose an empty folder"),
        )
    written = []
    for name, data in files:
        path = target / name
        write_atomic(path, data)
        written.append(path)
    (target / "output").mkdir(parents=True, exist_ok=True)
    return written
