"""Writing confmat's outputs: every output checked before any is written, then written atomically.

A regular file is written whole or not at all (a temporary file beside it, then a rename; an
interrupted run keeps the old file and leaves no temporary file, SIGTERM included); a symbolic
link is followed and its target replaced; a FIFO or a device is written directly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from confmat.exceptions import InputFileError


def check_outputs(paths: Sequence[str | Path], inputs: Sequence[str | Path] = ()) -> None:
    """Refuse, before anything is written, outputs that cannot or must not be written.

    Each output must not be a directory, nor one of ``inputs`` (the same file, also through a
    symbolic or hard link), nor a read-only file (it is refused, not replaced); a new file needs an
    existing, writable directory. Two outputs must be different files.

    Raises:
        InputFileError: naming the output and what is wrong with it.

    Examples:
        >>> import tempfile, pathlib
        >>> source = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
        >>> _ = source.write_text("y_true,y_pred")
        >>> check_outputs([source.with_name("report.txt")], inputs=[source])
        >>> check_outputs([source], inputs=[source])
        Traceback (most recent call last):
        confmat.exceptions.InputFileError: ...p.csv: is the input file ...
    """
    seen: dict[str, str] = {}
    for path in paths:
        _check_output(Path(path), inputs)
        real = os.path.realpath(path)
        if real in seen:
            raise InputFileError(
                f"{path}: is also the output {seen[real]}; give two different files"
            )
        seen[real] = str(path)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then an atomic rename.

    A symbolic link is followed and its target replaced (as editors do). A FIFO or a device
    (``/dev/null``, ``/dev/stdout``, a shell's ``>(...)``), or the file that is already this
    process's standard output, is written directly, never replaced. A read-only file is refused.
    Interrupted (SIGINT, or SIGTERM with its default action), no temporary file is left behind.

    Raises:
        InputFileError: if ``path`` is a directory, read-only, or its directory is missing.
    """
    target = Path(path)
    info = _check_output(target, ())
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    if info is not None and _written_directly(info):
        with open(target, "wb") as out:
            out.write(payload)
        return
    target = Path(os.path.realpath(target))  # a symbolic link: its target is replaced
    with _cleanup_on_sigterm():
        temporary: str | None = None
        try:
            handle, temporary = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.chmod(temporary, _file_mode(target))  # mkstemp makes 0600: the usual permissions
            os.replace(temporary, target)
        except BaseException:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise


def write_output(path: str | Path | None, text: str) -> None:
    """``text`` to the file ``path`` (by :func:`write_atomic`), or to standard output if None.

    Examples:
        >>> write_output(None, "a report")
        a report
    """
    if path is None:
        sys.stdout.write(text)
    else:
        write_atomic(path, text)


def _check_output(path: Path, inputs: Sequence[str | Path]) -> os.stat_result | None:
    """The output's status (following links), or None for a new file; raises if unusable."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputFileError(f"{path}: cannot be written ({error.strerror})") from None
    if info is None:
        _check_directory(path, Path(os.path.realpath(path)).parent)
        return None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"{path}: is a directory, not a file")
    for source in inputs:
        if str(source) != "-" and _same_file(info, source):
            raise InputFileError(
                f"{path}: is the input file {source} (the same file); writing there would "
                "replace the predictions: choose another output file"
            )
    if _written_directly(info):
        if not os.access(path, os.W_OK):
            raise InputFileError(f"{path}: is not writable")
        return info
    if not (info.st_mode & 0o222 and os.access(path, os.W_OK)):
        raise InputFileError(
            f"{path}: is read-only; confmat does not replace it (make it writable, or choose "
            "another output file)"
        )
    _check_directory(path, Path(os.path.realpath(path)).parent)
    return info


def _check_directory(path: Path, directory: Path) -> None:
    """A file is written through a temporary file in ``directory``: it must be writable."""
    if not directory.is_dir():
        raise InputFileError(f"{path}: the directory {str(directory)!r} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputFileError(
            f"{path}: the directory {str(directory)!r} is not writable (the file is written "
            "to a temporary file beside it, then renamed)"
        )


def _same_file(info: os.stat_result, other: str | Path) -> bool:
    try:
        other_info = os.stat(other)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (other_info.st_dev, other_info.st_ino)


def _written_directly(info: os.stat_result) -> bool:
    """Not a regular file (a FIFO, a device), or already this process's stdout or stderr."""
    if not stat.S_ISREG(info.st_mode):
        return True
    for fd in (1, 2):
        try:
            stream = os.fstat(fd)
        except OSError:
            continue
        if (stream.st_dev, stream.st_ino) == (info.st_dev, info.st_ino):
            return True
    return False


class _Terminated(BaseException):
    """SIGTERM arrived while a temporary file existed (raised so that it is removed)."""


@contextlib.contextmanager
def _cleanup_on_sigterm() -> Iterator[None]:
    """Within: SIGTERM (default action) unwinds first, so the temporary file is removed.

    The process then ends by SIGTERM, as it would have. Other handlers and threads are left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise _Terminated

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)  # the default action: the process ends here
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _file_mode(target: Path) -> int:
    """The permissions of the written file: the replaced file's, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask
