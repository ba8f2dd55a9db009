"""`govsim report` end to end on a small real run, also in headless Chromium; bad folders;
committed notebooks."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from govsim.cli import main
from govsim.experiment.runner import run_experiment
from govsim.experiment.summary import headline_metrics, headline_table, summary_table
from govsim.report import _warmup_days, build_report, load_results
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default scenario shortened to 30 days (3 of warm-up), baseline + growth-30, two
    replications, with the event log."""
    tmp = tmp_path_factory.mktemp("report")
    text = DEFAULT.read_text(encoding="utf-8")
    text = text.replace("horizon_days = 365", "horizon_days = 30")
    text = text.replace("warmup_days = 0", "warmup_days = 3")
    path = tmp / "short.toml"
    path.write_text(text, encoding="utf-8")
    run = run_experiment(
        load_scenario(path), scenario_path=path, reps=2, seed=5, out=tmp / "out", events="all"
    )
    assert not run.failures
    return run.out_dir


def copy_without(run_dir: Path, dest: Path, *names: str) -> Path:
    shutil.copytree(run_dir, dest, ignore=shutil.ignore_patterns("report", *names))
    return dest


def invoke(*args: str):
    return CliRunner().invoke(main, ["report", *args])


def test_report_end_to_end(run_dir):
    result = invoke(str(run_dir))
    assert result.exit_code == 0, result.output
    html_path = Path(result.stdout.strip())
    assert html_path == run_dir / "report" / "report.html" and html_path.is_file()
    page = html_path.read_text(encoding="utf-8")
    pngs = sorted(p.name for p in (run_dir / "report").glob("*.png"))
    assert pngs == [
        "backlog_go.png",
        "backlog_leaders.png",
        "cycle_times.png",
        "desk_breaches.png",  # the default scenario's [desks]
        "paired_differences.png",
        "rates.png",
        "utilisation.png",
    ]
    assert "Units that breach most" in page
    for name in pngs:
        assert f'href="{name}"' in page
        assert (run_dir / "report" / name).stat().st_size > 5_000
    # self-contained: every figure is embedded as well as linked
    assert page.count('src="data:image/png;base64,') == len(pngs)
    assert not re.search(r'src="(?!data:)', page)

    kpis = pd.read_parquet(run_dir / "kpis.parquet")
    summary = summary_table(kpis)
    headline = headline_table(summary)
    for label in headline.index:
        assert f"<th>{html.escape(label, quote=False)}</th>" in page
    for cell in headline.to_numpy().ravel():
        assert cell in page
    shown = set(headline.index)
    for metric, label in headline_metrics(summary):  # every informative headline KPI is shown
        values = summary.loc[summary["metric"] == metric, "mean"].fillna(0)
        assert (label in shown) == bool((values != 0).any()), metric
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["scenario_sha256"] in page
    assert "<td>seed</td><td>5</td>" in page
    assert "<td>replications per design point</td><td>2</td>" in page
    assert "growth-30" in page and "load.scale = 1.3" in page
    assert "Paired differences against the baseline" in page
    assert "documents created in the warm-up (3 days) are left out" in page
    leftovers = [p.name for p in (run_dir / "report").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # every file written atomically


def test_report_without_events_uses_kpi_percentiles(run_dir, tmp_path):
    folder = copy_without(run_dir, tmp_path / "run", "events.parquet", "cases.parquet")
    report = build_report(folder)
    page = report.html.read_text(encoding="utf-8")
    assert "Cycle-time percentiles" in page and "--events all" in page
    assert (folder / "report" / "cycle_times.png").is_file()


def test_report_baseline_only_has_no_comparison(run_dir, tmp_path):
    folder = copy_without(run_dir, tmp_path / "run")
    for name in ("kpis", "backlog", "events", "cases"):
        frame = pd.read_parquet(folder / f"{name}.parquet")
        frame.loc[frame["variant"] == "baseline"].to_parquet(folder / f"{name}.parquet")
    report = build_report(folder)
    assert not (folder / "report" / "paired_differences.png").exists()
    page = report.html.read_text(encoding="utf-8")
    assert "Paired differences against the baseline" not in page
    assert "growth-30 @" not in page and "(Δ" not in page


def test_warm_up_is_read_only_from_the_unchanged_scenario_file(run_dir, tmp_path):
    assert _warmup_days(load_results(run_dir)) == 3.0
    folder = copy_without(run_dir, tmp_path / "run")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    scenario_file = Path(manifest["scenario_file"])
    changed = tmp_path / "changed.toml"
    changed.write_text(scenario_file.read_text() + "\n# edited after the run\n")
    for name in (str(changed), str(tmp_path / "gone.toml"), None):
        manifest["scenario_file"] = name
        manifest_path.write_text(json.dumps(manifest))
        assert _warmup_days(load_results(folder)) is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "nope", "no such folder"),
        (lambda tmp: _file(tmp / "a.txt"), "not a folder"),
        (lambda tmp: _folder(tmp / "empty"), "not a govsim results folder (no manifest.json)"),
        (lambda tmp: _folder(tmp / "bad", manifest="{not json"), "unreadable manifest"),
        (lambda tmp: _folder(tmp / "running", manifest='{"status": "running"}'), "no kpis"),
    ],
)
def test_bad_results_folder_is_one_line_and_exit_2(tmp_path, make, message):
    path = make(tmp_path)
    result = invoke(str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.output


def _file(path: Path) -> Path:
    path.write_text("x")
    return path


def _folder(path: Path, manifest: str | None = None) -> Path:
    path.mkdir()
    if manifest is not None:
        (path / "manifest.json").write_text(manifest)
    return path


def test_report_needs_exactly_one_argument():
    assert invoke().exit_code == 2


# --------------------------------------------------------------------------- notebooks


def test_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {"analysis.ipynb", "build_your_scenario.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell.get("outputs") == [], f"cell with outputs: {''.join(cell['source'])[:60]}"
        assert cell.get("execution_count") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_have_a_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0]["cell_type"] == "code"


def test_report_of_a_meetings_run_draws_the_meeting_figures(tmp_path):
    """With the meeting KPIs (A44–A53), the report adds topic waits and leader hours by
    meeting, and the headline table lists the executive meetings held."""
    base = tmp_path / "jining.toml"
    base.write_text(DEFAULT.read_text(encoding="utf-8").split("[[variants]]")[0], "utf-8")
    text = (ROOT / "scenarios" / "meetings.toml").read_text(encoding="utf-8")
    text = text.split("[experiment]")[0]  # no variants: the baseline, 120 days
    path = tmp_path / "meetings.toml"
    path.write_text(text.replace('name = "meetings"', 'name = "meetings"\nhorizon_days = 120'))
    run = run_experiment(load_scenario(path), scenario_path=path, reps=2, seed=3, out=tmp_path)
    assert not run.failures
    assert invoke(str(run.out_dir)).exit_code == 0
    pngs = {p.name for p in (run.out_dir / "report").glob("*.png")}
    assert {"meeting_waits.png", "meeting_hours.png"} <= pngs
    summary = summary_table(pd.read_parquet(run.out_dir / "kpis.parquet"))
    assert "executive meetings held" in headline_table(summary).to_string()


# -- the page in a real browser -----------------------------------------------------------------

WIDTH = 1280
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")

PROBE = """<script>
window.__govsimErrors = [];
window.addEventListener("error", (e) => {
  const src = e.target && e.target.src ? " " + String(e.target.src).slice(0, 60) : "";
  window.__govsimErrors.push("error: " + (e.message || e.type) + src);
}, true);
for (const level of ["error", "assert"]) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    if (level === "error" || !args[0]) window.__govsimErrors.push(level + ": " + args.join(" "));
    original(...args);
  };
}
window.addEventListener("load", () => {
  const width = window.innerWidth;
  const images = Array.from(document.images);
  const overflow = Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""));
  const out = document.createElement("pre");
  out.id = "govsim-probe";
  out.textContent = JSON.stringify({
    width: width,
    scrollWidth: document.documentElement.scrollWidth,
    images: images.length,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.alt),
    overflow: overflow.slice(0, 20),
    errors: window.__govsimErrors,
  });
  document.body.appendChild(out);
});
</script>"""


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(
        "no headless Chromium on this machine (Debian: apt-get install chromium; .ci/run "
        "installs it where apt-get is available)"
    )


def _chromium(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",  # CI containers run as root, where the sandbox cannot start
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--allow-file-access-from-files",
        f"--window-size={WIDTH},900",
        "--virtual-time-budget=10000",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_report_in_headless_chromium(run_dir: Path, tmp_path: Path) -> None:
    """The page opened in headless Chromium (Debian's ``chromium``): every image loaded,
    nothing wider than a 1280-pixel window, no script or console error; a screenshot of the
    first screen is kept under the test's temporary folder.

    A copy of the page gets a probe script that records errors from the start and, on
    ``load``, writes what it found into the DOM, which ``chromium --dump-dom`` prints."""
    browser = _browser()
    report_html = run_dir / "report" / "report.html"
    if not report_html.is_file():
        build_report(run_dir)
    page = report_html.read_text(encoding="utf-8")
    probed = report_html.with_name("probed.html")
    probed.write_text(page.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + PROBE, 1))
    dom = _chromium(browser, "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="govsim-probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, f"the probe did not run: {dom.stderr[-2000:]}"
    probe = json.loads(html.unescape(found.group(1)))

    shot = tmp_path / "report-1280.png"
    _chromium(browser, f"--screenshot={shot}", report_html.as_uri())
    print(f"screenshot: {shot}")
    assert shot.is_file() and shot.stat().st_size > 10_000

    assert probe["width"] == WIDTH
    assert probe["images"] == page.count("<img ") >= 5
    assert probe["broken"] == []
    assert probe["overflow"] == [] and probe["scrollWidth"] <= WIDTH
    console = [s for s in dom.stderr.splitlines() if "CONSOLE" in s and "ERROR" in s.upper()]
    assert probe["errors"] == [] and console == []
