"""Provenance for manifests: code version, package versions, platform, and safe folder creation."""

from __future__ import annotations

import errno
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from simulation.errors import UserError

PACKAGES = ("plsim", "mesa", "numpy", "pandas", "scipy", "SALib", "pydantic", "pyarrow",
            "matplotlib", "dask", "distributed", "solara")
ROOT = Path(__file__).resolve().parents[2]


def code_version() -> dict[str, Any]:
    """Git commit of the code (and whether the work tree had uncommitted changes)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None, "version": _version("plsim")}
    return {"commit": commit, "dirty": dirty, "version": _version("plsim")}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages results depend on."""
    return {name: _version(name) for name in PACKAGES}


#: Environment variables that choose BLAS kernels or thread counts.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "PYTHONHASHSEED")


def cpu() -> dict[str, Any]:
    """The processor: model name (from ``/proc/cpuinfo`` where there is one), machine, cores."""
    model = platform.processor() or None
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"model": model, "machine": platform.machine(), "cores": os.cpu_count()}


def blas() -> list[dict[str, Any]]:
    """The BLAS/LAPACK libraries in use: kernel architecture and threads (threadpoolctl, when
    installed) or numpy's build configuration."""
    import numpy as np  # loads the BLAS library, so that threadpoolctl sees it

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        keep = ("user_api", "internal_api", "version", "architecture", "num_threads",
                "threading_layer")
        return [{k: lib.get(k) for k in keep} for lib in threadpool_info()]
    try:
        config: dict[str, Any] = dict(np.show_config(mode="dicts"))
        deps: dict[str, dict[str, Any]] = config.get("Build Dependencies", {})
    except Exception:  # noqa: BLE001 - provenance must never stop a run
        return []
    return [{"user_api": api, "name": d.get("name"), "version": d.get("version"),
             "configuration": d.get("openblas configuration")} for api, d in deps.items()]


def thread_settings() -> dict[str, str]:
    """Environment settings that choose BLAS kernels and thread counts (``OPENBLAS_*`` etc.)."""
    return {k: v for k, v in sorted(os.environ.items())
            if k.startswith("OPENBLAS_") or k in THREAD_VARIABLES}


def environment() -> dict[str, Any]:
    """Code, packages, Python, platform, CPU, BLAS and thread settings, for a manifest."""
    return {
        "code": code_version(),
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": cpu(),
        "blas": blas(),
        "threads": thread_settings(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }


class OutputError(UserError):
    """A results folder that cannot or must not be written (name, existing files, disk)."""


#: Characters that may not appear in a name that becomes a folder under ``results/``.
_NAME_FORBIDDEN = ("/", "\\", ":", "\0")


def check_output_name(name: object, where: str, field: str = "name") -> str:
    """A name that chooses a folder under ``results/``; refuse one that could escape it.

    Raises
    ------
    OutputError
        ``name`` is not a string, is empty, is absolute, contains a path separator or ``..``,
        or a control character.
    """
    allowed = "letters, digits, '-', '_' and '.', without path separators or '..'"
    if not isinstance(name, str) or not name.strip():
        raise OutputError(f"{where}: {field} = {name!r} is empty; it names the results folder "
                          f"({allowed})")
    if (Path(name).is_absolute() or any(c in name for c in _NAME_FORBIDDEN) or ".." in name
            or name.strip() == "." or any(ord(c) < 32 for c in name)):
        raise OutputError(f"{where}: {field} = {name!r} cannot name a results folder: use "
                          f"{allowed}")
    return name


def folder_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of a folder plsim wrote (``manifest.json`` with a kind and an environment),
    or None."""
    try:
        data = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if isinstance(data, dict) and "kind" in data and isinstance(data.get("environment"), dict):
        return data
    return None


def check_replaceable(path: Path, force: bool, layout: frozenset[str] = frozenset()
                      ) -> str | None:
    """Check, before any work, that results may be written at ``path``.

    Returns what will be replaced (e.g. "a plsim run folder created ...") when ``path`` exists
    and is not empty, else None.

    Parameters
    ----------
    layout
        Names of files and folders plsim creates there before its manifest; a folder holding
        only those is an interrupted creation and may be replaced.
    log
        Where the note on what is replaced goes (default stderr); None to say nothing.

    Raises
    ------
    OutputError
        ``path`` is a file, or is a folder plsim did not write (no plsim manifest) and
        ``force`` is true: nothing is changed.
    FileExistsError
        ``path`` exists, is not empty and ``force`` is false.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} is a file, not a folder; choose another --out")
    try:
        names = {p.name for p in path.iterdir()} if path.is_dir() else set()
    except OSError as exc:
        raise OutputError(f"{path}: cannot read the folder ({exc.strerror}); choose another "
                          "--out") from None
    if not names:
        return None
    if not force:
        raise FileExistsError(
            f"{path} already exists and is not empty; choose another --out or pass --force "
            "to replace it")
    manifest = folder_manifest(path)
    if manifest is None and not (layout and names <= layout):
        raise OutputError(
            f"{path} is not a plsim results folder (no plsim manifest.json), so --force does "
            f"not replace it: its {len(names)} file(s) are left untouched; choose another --out")
    if manifest is None:
        return "an interrupted plsim folder"
    return (f"a plsim {manifest.get('kind')} folder created "
            f"{manifest.get('environment', {}).get('created', '?')}")


def prepare_folder(path: Path, force: bool, layout: frozenset[str] = frozenset()) -> Path:
    """Create an empty results folder; replace an existing non-empty one only when forced and
    only if plsim wrote it (see :func:`check_replaceable`)."""
    path = Path(path)
    replaced = check_replaceable(path, force, layout)
    if replaced:
        print(f"--force: replacing {path} ({replaced})", file=sys.stderr)
        shutil.rmtree(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(path, exc) from None
    return path


def file_has_mark(path: Path, mark: bytes, head: int = 8192) -> bool:
    """Whether ``path`` is a regular file whose first ``head`` bytes contain ``mark`` (how plsim
    recognises a single file it wrote: a generator tag, a provenance comment, a header)."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as f:
            return mark in f.read(head)
    except OSError:
        return False


def check_replaceable_file(path: Path, force: bool, ours: Callable[[Path], bool],
                           what: str, error: type[UserError] = UserError) -> None:
    """Check, before any work, that one output file may be written at ``path``.

    Parameters
    ----------
    ours
        Whether an existing file is one plsim wrote (e.g. :func:`file_has_mark`).
    what
        The file plsim would have written, for the message (``"a report plsim wrote"``).

    Raises
    ------
    FileExistsError
        ``path`` exists and ``force`` is false.
    UserError
        (or ``error``) ``path`` is a folder, or exists and plsim did not write it: even with
        ``force`` it is left untouched.
    """
    path = Path(path)
    if path.is_dir():
        raise error(f"--out {path} is a folder; give a file name")
    if not path.exists():
        return
    if not force:
        raise FileExistsError(f"{path} already exists; choose another --out or pass --force to "
                              "replace it")
    if not ours(path):
        raise error(f"{path} is not {what}, so --force does not replace it (the file is left "
                    "untouched); choose another --out")


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary sibling renamed over it: a reader never
    sees half a file, and a failure leaves what was there."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(path, exc) from None


def _write_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    hint = {errno.ENOSPC: "free some disk space or choose another --out",
            errno.EDQUOT: "free some disk space or choose another --out",
            errno.EROFS: "the file system is read-only: choose another --out",
            errno.EACCES: "no permission to write there: choose another --out",
            errno.EPERM: "no permission to write there: choose another --out"}.get(
        exc.errno or 0, "choose another --out")
    return OutputError(f"cannot write results to {path}: {reason}; nothing was written ({hint})")


@contextmanager
def atomic_folder(path: Path, force: bool, layout: frozenset[str] = frozenset()
                  ) -> Iterator[Path]:
    """Write a results folder atomically: yield a temporary sibling folder to fill, then rename it
    to ``path`` (replacing a plsim folder there when ``force``).

    On any failure the temporary folder is removed and an existing folder is left as it was; an
    OSError (disk full, read-only or forbidden folder) becomes an :class:`OutputError`.
    """
    path = Path(path)
    replaced = check_replaceable(path, force, layout)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
    except OSError as exc:
        raise _write_error(path, exc) from None
    try:
        try:
            yield tmp
            tmp.chmod(0o777 & ~_umask())
            if replaced:
                old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
                path.rename(old / path.name)
                try:
                    tmp.rename(path)
                except OSError:
                    (old / path.name).rename(path)  # put the previous folder back
                    raise
                finally:
                    if not (old / path.name).exists():
                        old.rmdir()
                shutil.rmtree(old, ignore_errors=True)
                print(f"--force: replaced {path} ({replaced})", file=sys.stderr)
            else:
                if path.is_dir():
                    path.rmdir()  # an empty folder: nothing to keep
                tmp.rename(path)
        except OSError as exc:
            raise _write_error(path, exc) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` would, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temporary name, then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=_jsonable) + "\n", encoding="utf-8")
    tmp.replace(path)


def _jsonable(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
