"""Where ``confmat`` writes: never over its input, devices and FIFOs directly, links followed,
read-only files refused, every output checked before any is written, no temporary file left."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import pytest
from test_cli_shell import LABELS, SRC

from confmat._internal.cli.main import main
from confmat._internal.io import writing as output

NOBODY = 65534


@pytest.fixture
def predictions(tmp_path: Path) -> Path:
    path = tmp_path / "p.csv"
    path.write_text(LABELS)
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_refused(status: int, err: str, match: str) -> None:
    assert status == 2
    assert err.startswith("confmat: error: ")
    assert err.count("\n") == 1, err
    assert match in err, err


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("link", ["same path", "symlink", "hardlink"])
def test_output_that_is_the_input_is_refused(
    predictions: Path, link: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = predictions
    if link == "symlink":
        output = predictions.with_name("report.csv")
        output.symlink_to(predictions)
    elif link == "hardlink":
        output = predictions.with_name("report.csv")
        os.link(predictions, output)
    for argv in (
        ["report", str(predictions), "--output", str(output)],
        ["report", str(predictions), "--plot", str(output)],
        ["compare", str(predictions), str(predictions), "--output", str(output)],
    ):
        status, _, err = run(argv, capsys)
        assert_refused(status, err, "is the input file")
        assert predictions.read_text() == LABELS


def test_classes_file_is_an_input_too(predictions: Path, capsys) -> None:
    classes = predictions.with_name("classes.txt")
    classes.write_text("cat\ndog\nfrog\n")
    status, _, err = run(
        ["report", str(predictions), "--classes-file", str(classes), "--output", str(classes)],
        capsys,
    )
    assert_refused(status, err, "is the input file")
    assert classes.read_text() == "cat\ndog\nfrog\n"


def test_dev_null_is_written_directly(
    predictions: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_temporary(*args: object, **kwargs: object) -> None:
        raise AssertionError("a device must not be replaced through a temporary file")

    monkeypatch.setattr(tempfile, "mkstemp", no_temporary)
    status, out, err = run(["report", str(predictions), "--output", os.devnull], capsys)
    assert (status, out, err) == (0, "", "")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_fifo_is_written_directly(predictions: Path, capsys) -> None:
    fifo = predictions.with_name("report.fifo")
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    status, _, err = run(
        ["report", str(predictions), "--format", "csv", "--output", str(fifo)], capsys
    )
    reader.join(timeout=60)
    assert (status, err) == (0, "")
    assert received[0].startswith(b"class,support,")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert names(predictions.parent) == ["p.csv", "report.fifo"]


def test_dev_stdout_that_is_a_file_is_written_directly(
    predictions: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # Under capfd, standard output (fd 1) is a regular file: `confmat ... > out.csv`.
    argv = ["report", str(predictions), "--format", "csv", "--output", "/dev/stdout"]
    assert main(argv) == 0
    captured = capfd.readouterr()
    assert captured.out.startswith("class,support,")
    assert captured.err == ""
    assert names(predictions.parent) == ["p.csv"]


_OUTPUTS = """
import sys
from confmat._internal.cli.main import main
for output in sys.argv[2:]:
    status = main(["report", sys.argv[1], "--format", "csv", "--output", output])
    if status:
        raise SystemExit(status)
"""


_AS_NOBODY = """
import ctypes, os, pwd, sys
from confmat._internal.cli.main import main
main(["report", sys.argv[1], "--format", "csv", "--output", os.devnull])  # every import, as root
nobody = pwd.getpwnam("nobody")
for fd in [1, *(int(a[8:]) for a in sys.argv[2:] if a.startswith("/dev/fd/"))]:
    os.fchown(fd, nobody.pw_uid, nobody.pw_gid)  # the shell pipes, as if nobody made them
os.setgroups([])
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: /dev/fd/N stays readable
assert os.geteuid() == nobody.pw_uid
"""
"""Run as root, then as user nobody: for an interpreter and packages nobody may not read."""


def _run_outputs(
    python_command: list[str], directory: Path, prelude: str = "", **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """In bash, ``confmat report p.csv`` with ``--output`` ``>(cat)``, ``/dev/stdout | cat``
    and ``/dev/null``, in one Python process (one torch import); the pipes are the shell's own.
    """
    command = " ".join(python_command)
    script = f"{command} -c '{prelude}{_OUTPUTS}' p.csv >(cat) /dev/stdout /dev/null | cat"
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        ["bash", "-c", script],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,
    )


@pytest.mark.slow
def test_dev_stdout_into_a_pipe_and_process_substitution(predictions: Path) -> None:
    done = _run_outputs(["env", f"PYTHONPATH={SRC}", sys.executable], predictions.parent)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count("class,support,") == 2
    assert names(predictions.parent) == ["p.csv"]


_NOBODY = {"user": NOBODY, "group": NOBODY, "extra_groups": []}


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX users")
def test_dev_null_and_dev_stdout_as_an_unprivileged_user() -> None:
    """Run as user nobody when the tests run as root (else as the unprivileged user itself).

    The clone may sit where nobody cannot read it (a 0700 directory): confmat's sources are
    copied, readable by all, into a directory nobody can reach. The venv's interpreter may lie
    where nobody cannot reach (under /root): then the system's interpreter of the same version
    runs with the venv's packages on its path. Where nobody may run no interpreter with
    confmat's dependencies (the venv itself inside a 0700 directory), the process starts as
    root, imports everything, and becomes user nobody before it writes (``_AS_NOBODY``).
    """
    as_user = _NOBODY if os.geteuid() == 0 else {}
    base = _reachable_temporary_directory()
    sources, directory = (Path(tempfile.mkdtemp(dir=base)) for _ in range(2))
    try:
        _copy_readable(Path(SRC) / "confmat", sources / "confmat")
        directory.chmod(0o755)
        (directory / "p.csv").write_text(LABELS)
        (directory / "p.csv").chmod(0o644)
        command, prelude = _python_for(str(sources), as_user)
        done = _run_outputs(command, directory, prelude, **(as_user if not prelude else {}))
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert done.stdout.count("class,support,") == 2
        assert names(directory) == ["p.csv"]
        assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    finally:
        shutil.rmtree(sources)
        shutil.rmtree(directory)


def _reachable_temporary_directory() -> str:
    """A temporary directory that every user may enter (each of its ancestors searchable)."""
    for base in (tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"):
        path = Path(base).resolve()
        if path.is_dir() and all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents)):
            return str(path)
    pytest.skip("no temporary directory that user nobody may enter")


def _copy_readable(source: Path, target: Path) -> None:
    """A copy of a package that every user may read (the clone's own modes may forbid it)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    target.parent.chmod(0o755)
    for root, folders, files in os.walk(target):
        Path(root).chmod(0o755)
        for name in files:
            (Path(root) / name).chmod(0o644)
        for name in folders:
            (Path(root) / name).chmod(0o755)


def _python_for(sources: str, as_user: dict[str, object]) -> tuple[list[str], str]:
    """The command of an interpreter that ``as_user`` may run and that imports confmat's needs,
    and the prelude of its script: empty, or ``_AS_NOBODY`` when only root may run one.
    """
    paths = sorted({sysconfig.get_paths()[key] for key in ("purelib", "platlib")})
    env = {"PYTHONPATH": os.pathsep.join([sources, *paths]), "HOME": "/tmp"}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    failures = []
    for interpreter in (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        probe = [interpreter, "-c", "import confmat._internal.cli.report, torch, pyarrow"]
        try:
            done = subprocess.run(  # type: ignore[call-overload]
                probe,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
                **as_user,
            )
        except OSError as error:  # this user may not run it, or it is not there
            failures.append(f"{interpreter}: {error}")
            continue
        if done.returncode == 0:
            return ["env", *(f"{k}={v}" for k, v in env.items()), interpreter], ""
        failures.append(f"{interpreter}: {done.stderr.strip().splitlines()[-1:]}")
    if as_user:  # root: start as root, then become nobody
        return ["env", *(f"{k}={v}" for k, v in env.items()), sys.executable], _AS_NOBODY
    pytest.skip(f"no Python with confmat's dependencies that this user may run: {failures}")


def test_symlinked_output_replaces_the_link_target(predictions: Path, capsys) -> None:
    target_dir = predictions.parent / "reports"
    target_dir.mkdir()
    target = target_dir / "latest.md"
    target.write_text("old")
    target.chmod(0o640)
    link = predictions.with_name("report.md")
    link.symlink_to(target)
    status, _, err = run(
        ["report", str(predictions), "--format", "markdown", "--output", str(link)], capsys
    )
    assert (status, err) == (0, "")
    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    assert target.read_text().startswith("# Confusion matrix report")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert names(target_dir) == ["latest.md"]


def test_read_only_output_is_refused_not_replaced(predictions: Path, capsys) -> None:
    output = predictions.with_name("report.txt")
    output.write_text("keep me")
    output.chmod(0o444)
    status, _, err = run(["report", str(predictions), "--output", str(output)], capsys)
    assert_refused(status, err, "is read-only")
    assert output.read_text() == "keep me"
    assert stat.S_IMODE(output.stat().st_mode) == 0o444


@pytest.mark.parametrize(
    ("plot", "output", "match"),
    [
        pytest.param("cm.png", "missing/report.txt", "does not exist", id="bad output"),
        pytest.param("missing/cm.png", "report.txt", "does not exist", id="bad plot dir"),
        pytest.param("dir", "report.txt", "is a directory", id="plot is a directory"),
        pytest.param("cm.png", "dir", "is a directory", id="output is a directory"),
        pytest.param("cm.png", "readonly.txt", "is read-only", id="read-only output"),
        pytest.param("cm.png", "p.csv", "is the input file", id="output is the input"),
        pytest.param("cm.gif", "report.txt", "gif", id="plot of an unknown type"),
        pytest.param("same.svg", "same.svg", "is also the output", id="one file for both"),
    ],
)
def test_every_output_is_checked_before_any_is_written(
    predictions: Path, plot: str, output: str, match: str, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(predictions.parent)
    Path("dir").mkdir()
    Path("readonly.txt").write_text("keep")
    Path("readonly.txt").chmod(0o444)
    before = names(predictions.parent)
    status, _, err = run(["report", "p.csv", "--plot", plot, "--output", output], capsys)
    assert_refused(status, err, match)
    assert names(predictions.parent) == before
    assert Path("readonly.txt").read_text() == "keep"
    assert predictions.read_text() == LABELS


_SLOW_WRITE = """
import os, sys, time
from confmat._internal.io import reading as io, writing as output
from confmat._internal.cli.main import main
real_chmod = os.chmod
def chmod(path, mode):  # the temporary file is written: wait here to be terminated
    print("written", file=sys.stderr, flush=True)
    time.sleep(60)
os.chmod = chmod
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_sigterm_during_a_write_leaves_no_temporary_file(predictions: Path) -> None:
    output = predictions.with_name("report.csv")
    output.write_text("previous")
    env = {**os.environ, "PYTHONPATH": SRC}
    argv = ["report", str(predictions), "--format", "csv", "--output", str(output)]
    with subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITE, *argv],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as child:
        try:
            assert child.stderr is not None
            assert child.stderr.readline() == "written\n"
            assert any(p.name.endswith(".tmp") for p in predictions.parent.iterdir())
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=60)
        finally:
            child.kill()
    assert child.returncode == -signal.SIGTERM
    assert names(predictions.parent) == ["p.csv", "report.csv"]
    assert output.read_text() == "previous"


def test_write_atomic_leaves_sigterm_alone_outside_writes() -> None:
    output.write_atomic(Path(tempfile.mkdtemp()) / "x.txt", "x")
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_check_outputs_of_a_new_file_in_a_writable_directory(tmp_path: Path) -> None:
    output.check_outputs([tmp_path / "new.txt", tmp_path / "new.png"], inputs=["-"])
    assert names(tmp_path) == []
