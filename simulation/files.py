"""Reading users' text files safely: regular files only, a size cap, UTF-8 with or without a BOM.

A path may name anything: a folder, ``/dev/zero`` (endless), a FIFO (blocks until a writer comes),
a huge or binary file. Each gives one clear :class:`~simulation.errors.UserError` instead of a
hang, a memory blow-up or a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from simulation.errors import UserError

#: Largest scenario or spec file read (they are a few kilobytes).
MAX_CONFIG_BYTES = 1 << 20


def _size(n: int) -> str:
    return f"{n / (1 << 20):.0f} MiB" if n >= 1 << 20 else f"{n / 1024:.0f} KiB"


def read_user_text(path: str | Path, error: type[UserError] = UserError, what: str = "file",
                   max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """The text of a user's file, decoded as UTF-8 (a leading BOM is dropped).

    Parameters
    ----------
    error
        The :class:`UserError` subclass raised, its message naming ``path``.
    what
        What the file is, for messages ("scenario file", "spec file", ...).
    max_bytes
        Larger files are refused before they are read.

    Raises
    ------
    error
        Missing, a folder, not a regular file (device, FIFO, socket), too large, unreadable,
        or not UTF-8 text.
    """
    path = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{path}: is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{path}: not a regular file (a device, FIFO or socket); a {what} must "
                        "be an ordinary file")
        if info.st_size > max_bytes:
            raise error(f"{path}: {_size(info.st_size)} is too large for a {what} (at most "
                        f"{_size(max_bytes)})")
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = -1
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise error(f"{path}: too large for a {what} (at most {_size(max_bytes)})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                    f"{exc.start}); save the {what} as UTF-8") from None
