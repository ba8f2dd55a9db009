"""Results-folder safety: ``--run`` stays inside ``--out``, a refused write is one line and
exit 2 with the failure in the manifest, a changed base file stops ``--resume``, a folder in
use is locked, an interrupted run says so, and pool workers do not outlive their parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

import govsim.experiment.runner as runner
from govsim.cli import EXIT_INTERRUPTED, main
from govsim.experiment.parts import lock_run
from govsim.experiment.runner import run_status

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")


def short(tmp_path: Path, days: int = 10, name: str = "sc.toml") -> Path:
    """The default scenario, ``days`` long, without its variant (one design point)."""
    text = DEFAULT_TEXT.replace("horizon_days = 365", f"horizon_days = {days}")
    text = text[: text.index("[[variants]]")] if "[[variants]]" in text else text
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, list[str]]:
    """``govsim run --workers 1 --quiet ARGS``: exit code and stderr lines (no traceback)."""
    result = CliRunner().invoke(main, ["run", "--workers", "1", "--quiet", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines()


def manifest(run_dir: Path) -> dict[str, object]:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../escape", "without a path separator"),
        ("/tmp/absolute", "without a path separator"),
        ("", "must be a folder name"),
        ("..", "must be a folder name"),
        ("x" * 300, "at most 100 characters"),
        ("a\nb", "must be printable"),
    ],
    ids=["dotdot", "absolute", "empty", "parent", "long", "control"],
)
def test_run_name_is_a_plain_name(tmp_path, name, why):
    scenario = short(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    code, lines = run(str(scenario), "--reps", "1", "--out", str(tmp_path / "o"), "--run", name)
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith("govsim run: --run ") and why in lines[0]
    assert sorted(tmp_path.rglob("*")) == before  # nothing written anywhere


def test_out_through_a_file_is_one_line(tmp_path):
    scenario = short(tmp_path)
    (tmp_path / "file").write_text("x")
    code, lines = run(str(scenario), "--reps", "1", "--out", str(tmp_path / "file" / "o"))
    assert code == 2
    (line,) = lines
    assert line.startswith(f"govsim run: {tmp_path / 'file'}") and "cannot write: " in line


def test_a_full_disk_is_one_line_and_the_manifest_says_failed(tmp_path, monkeypatch):
    def full(run_dir: Path, *args: object) -> None:
        raise OSError(28, "No space left on device", str(run_dir / "parts"))

    monkeypatch.setattr(runner, "write_parts", full)
    out = tmp_path / "o"
    code, lines = run(str(short(tmp_path)), "--reps", "2", "--out", str(out), "--run", "r")
    assert code == 2
    where = out / "jining" / "r"
    assert lines == [f"govsim run: {where / 'parts'}: cannot write: No space left on device"]
    m = manifest(where)
    assert m["status"] == "failed"
    assert m["error"] == f"{where / 'parts'}: cannot write: No space left on device"


def test_an_interrupt_leaves_an_interrupted_manifest(tmp_path, monkeypatch):
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "write_parts", interrupt)
    out = tmp_path / "o"
    code, lines = run(str(short(tmp_path)), "--reps", "2", "--out", str(out), "--run", "r")
    assert code == EXIT_INTERRUPTED
    assert lines == ["govsim run: interrupted; continue it with --resume"]
    assert manifest(out / "jining" / "r")["status"] == "interrupted"


def test_resume_refuses_when_a_base_file_changed(tmp_path):
    base = short(tmp_path, name="base.toml")
    top = tmp_path / "top.toml"
    top.write_text('[scenario]\nbase = "base.toml"\nname = "top"\n', encoding="utf-8")
    out = tmp_path / "o"
    events = ("--events", "all")
    assert run(str(top), "--reps", "1", "--out", str(out), "--run", "r", *events)[0] == 0
    files = manifest(out / "top" / "r")["scenario_files"]
    assert set(files) == {str(top.resolve()), str(base.resolve())}  # type: ignore[arg-type]
    base.write_text(base.read_text().replace("reviewers = 6 ", "reviewers = 7 "))
    code, lines = run(str(top), "--reps", "1", "--out", str(out), "--run", "r", "--resume", *events)
    assert code == 2
    assert lines == [
        f"govsim run: cannot resume {out / 'top' / 'r'}: {base.resolve()} has changed since the run"
    ]
    # govsim check of the run warns about the changed base file too.
    result = CliRunner().invoke(main, ["check", str(out / "top" / "r")])
    assert f"govsim check: warning: {base.resolve()} has changed since the run" in result.stderr


def test_a_run_folder_in_use_is_locked(tmp_path):
    scenario = short(tmp_path)
    out = tmp_path / "o"
    assert run(str(scenario), "--reps", "1", "--out", str(out), "--run", "r")[0] == 0
    folder = out / "jining" / "r"
    assert run_status(folder) == "complete"
    with lock_run(folder):
        code, lines = run(str(scenario), "--reps", "1", "--out", str(out), "--run", "r", "--resume")
        assert code == 2
        assert lines == [
            f"govsim run: {folder} is in use by another govsim process; wait for it to finish"
        ]
        data = manifest(folder)
        data["status"] = "running"
        (folder / "manifest.json").write_text(json.dumps(data))
        assert run_status(folder) == "running"  # someone holds it: it is running
    assert run_status(folder) == "interrupted"  # nobody does: it was killed
    from govsim.report import load_results

    assert load_results(folder).manifest["status"] == "interrupted"  # the report says so too


def test_sigterm_interrupts_like_ctrl_c(tmp_path, monkeypatch):
    def terminated(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises before this ends

    monkeypatch.setattr(runner, "write_parts", terminated)
    before = signal.getsignal(signal.SIGTERM)
    out = tmp_path / "o"
    try:
        code, lines = run(str(short(tmp_path)), "--reps", "2", "--out", str(out), "--run", "r")
    finally:
        signal.signal(signal.SIGTERM, before)
    assert code == EXIT_INTERRUPTED
    assert lines == ["govsim run: interrupted; continue it with --resume"]
    assert manifest(out / "jining" / "r")["status"] == "interrupted"


POOL = """
import sys, time
from govsim.experiment.executors import open_executor
with open_executor(2) as pool:
    futures = [pool.submit(time.sleep, 60) for _ in range(2)]
    time.sleep(0.5)
    print(" ".join(str(p) for p in pool._processes), flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_workers_exit_when_their_parent_is_killed(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", POOL], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    workers = [psutil.Process(int(pid)) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(w.is_running() for w in workers)
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone, as the OOM killer would
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive, "pool workers outlived their parent"
