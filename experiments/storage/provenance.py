"""Provenance for manifests: code version, package versions, platform, and safe folder creation."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

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
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})
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


def prepare_folder(path: Path, force: bool) -> Path:
    """Create an empty results folder; refuse to touch an existing non-empty one unless forced.

    Raises
    ------
    FileExistsError
        When ``path`` exists, is not empty and ``force`` is false (nothing is changed).
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        if not force:
            raise FileExistsError(
                f"{path} already exists and is not empty; choose another --out or pass --force "
                "to replace it")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


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
