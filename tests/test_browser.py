"""Every notebook in JupyterLab in a real browser: run all, no errors, widgets render, sliders work.

JupyterLab is started on 127.0.0.1 with a copy of the notebooks (the originals are never
saved over); headless Debian Chromium is driven by Playwright. Requests that are not for
127.0.0.1 are aborted. Screenshots land in test-artifacts/ (gitignored), with the time each
notebook took in test-artifacts/browser-times.txt.

Skipped, with the fix, when chromium or playwright is missing; `.ci/run` installs both.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("MLITE_CHROMIUM", "/usr/bin/chromium")
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install it with `apt-get update && apt-get install -y chromium` "
        "(or set MLITE_CHROMIUM to a Chromium binary)",
        allow_module_level=True,
    )
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free 127.0.0.1 port, serving a copy of the notebooks."""
    root = tmp_path_factory.mktemp("lab-root")
    for path in NOTEBOOKS:
        shutil.copy(path, root / path.name)
    settings = tmp_path_factory.mktemp("lab-settings")
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    }.items():
        folder, name = plugin.rsplit("/", 1)
        (settings / folder).mkdir(parents=True, exist_ok=True)
        (settings / folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    port = free_port()
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("lab-workspaces")),
    }
    env.pop("MPLBACKEND", None)  # the kernels must use the inline backend
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path_factory.mktemp("lab-log") / "lab.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/api/status")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"JupyterLab did not start: see {log.name}") from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def wait_idle_kernel(page, base: str, name: str, timeout: float = 60) -> None:
    """Wait until the notebook's kernel session exists and reports idle.

    Polls the server with page.wait_for_timeout, not time.sleep, so that Playwright keeps
    serving the page.
    """
    deadline = time.monotonic() + timeout
    sessions = []
    while time.monotonic() < deadline:
        sessions = get_json(f"{base}/api/sessions")
        for session in sessions:
            if session["path"].endswith(name) and session["kernel"]["execution_state"] == "idle":
                return
        page.wait_for_timeout(300)
    states = {s["path"]: s["kernel"]["execution_state"] for s in sessions}
    raise AssertionError(f"the kernel of {name} never became idle in {timeout:g} s; sessions: {states}")


CELL_STATE_JS = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
  return {n: prompts.length, done: prompts.filter(t => /^\\[\\d+\\]:$/.test(t)).length,
          busy: prompts.filter(t => t.includes('*')).length};
}"""

# The explorers: outermost widget boxes in output areas; `output` is the text of their output
# widget plus a short signature of each image in it.
BOXES_JS = """[...document.querySelectorAll('.jp-OutputArea-output .widget-vbox')]
  .filter(box => !box.parentElement.closest('.widget-vbox'))"""
OUTPUT_JS = """box => (box.querySelector('.widget-output') || box).innerText +
  [...box.querySelectorAll('img')].map(i => i.src.length + i.src.slice(-64)).join('|')"""
WIDGETS_JS = f"""() => ({BOXES_JS}).map(box => ({{sliders: box.querySelectorAll('.noUi-handle').length,
                                                 output: ({OUTPUT_JS})(box)}}))"""

# Every redraw of an explorer captures its output: the kernel sets the Output widget's msg_id
# when the redraw starts and clears it when it ends. JupyterLab emits iopubMessage after it has
# handled a message (the outputs before it are in the widget), so `finished` counts redraws
# that are on the page.
TRACK_REDRAWS_JS = """() => {
  window.mliteRedraws = {started: 0, finished: 0};
  window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.iopubMessage.connect((_, msg) => {
    const data = msg.header.msg_type === 'comm_msg' ? msg.content.data : null;
    if (data && data.method === 'update' && data.state && 'msg_id' in data.state) {
      window.mliteRedraws[data.state.msg_id ? 'started' : 'finished'] += 1;
    }
  });
}"""

# What a widget shows, for failure messages: each slider's label and readout, the output text.
SHOWN_JS = f"""(index) => {{
  const box = ({BOXES_JS})[index];
  if (!box) return {{error: 'no widget ' + index}};
  return {{sliders: [...box.querySelectorAll('.widget-slider')].map(s =>
             (s.querySelector('.widget-label')?.innerText || '?') + ' = ' +
             (s.querySelector('.widget-readout')?.innerText ?? '?') + ' (handle at ' +
             s.querySelector('.noUi-handle')?.getAttribute('aria-valuenow') + ')'),
          output: (box.querySelector('.widget-output') || box).innerText.slice(0, 800),
          images: box.querySelectorAll('.widget-output img').length,
          redraws: window.mliteRedraws}};
}}"""

# After a slider change: the handle moved, at least one redraw has finished since and none is
# running, and the output differs from before.
REDRAWN_JS = f"""([index, handle, value, before, finished]) => {{
  const box = ({BOXES_JS})[index];
  const moved = box.querySelectorAll('.noUi-handle')[handle].getAttribute('aria-valuenow') !== value;
  const r = window.mliteRedraws, now = ({OUTPUT_JS})(box);
  return moved && r.finished > finished && r.started === r.finished && now !== before
    && !now.includes('Error displaying widget');
}}"""


def shown(page, index: int) -> str:
    return json.dumps(page.evaluate(SHOWN_JS, index), indent=1)


def wait_until(page, js: str, arg, failure: str, index: int, timeout: float = 30) -> None:
    """page.wait_for_function, failing with what widget `index` shows."""
    try:
        page.wait_for_function(js, arg=arg, timeout=timeout * 1000, polling=100)
    except playwright_api.TimeoutError:
        raise AssertionError(
            f"{failure} (waited {timeout:g} s); widget {index} shows: {shown(page, index)}"
        ) from None


def handles(page, index: int):
    boxes = page.locator(".jp-OutputArea-output .widget-vbox").filter(has=page.locator(".noUi-handle"))
    outer = [b for b in boxes.all() if b.evaluate("b => !b.parentElement.closest('.widget-vbox')")]
    return outer[index].locator(".noUi-handle").all()


def move(page, index: int, handle_index: int, key: str | None = None, timeout: float = 30) -> None:
    """Press `key` on a slider's focused handle (default: one step right, or left when at its
    maximum) and wait until the explorer has redrawn for the new value."""
    handle = handles(page, index)[handle_index]
    value, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
    key = key or ("ArrowLeft" if value is not None and value == top else "ArrowRight")
    before = page.evaluate(WIDGETS_JS)[index]["output"]
    finished = page.evaluate("() => window.mliteRedraws.finished")
    handle.focus()
    handle.press(key)
    wait_until(
        page,
        REDRAWN_JS,
        [index, handle_index, value, before, finished],
        f"slider {handle_index} (handle at {value}), key {key}: no finished redraw with a new output",
        index,
        timeout,
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_jupyterlab(lab, browser, path):
    ARTIFACTS.mkdir(exist_ok=True)
    start = time.monotonic()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # only 127.0.0.1 (and inline data) may be reached; a regex is matched inside the browser driver,
    # so allowed requests never wait for Python
    page.route(re.compile(r"^(?!(http://127\.0\.0\.1[:/]|data:|blob:))"), lambda route: route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(f"{lab}/lab/tree/{path.name}?reset", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=60_000
        )
        wait_idle_kernel(page, lab, path.name)
        page.wait_for_function(
            "() => !/Starting|Initializing|Connecting/.test(document.querySelector('.jp-StatusBar-Widget')?.innerText || '')",
            timeout=30_000,
        )
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        try:
            page.wait_for_function(
                f"() => {{ const s = ({CELL_STATE_JS})(); return s.n > 0 && s.done === s.n && s.busy === 0; }}",
                timeout=180_000,
            )
        except playwright_api.TimeoutError:
            cells = page.evaluate(CELL_STATE_JS)
            raise AssertionError(
                f"{path.name}: Run All did not finish in 180 s: {cells['done']} of {cells['n']} code cells "
                f"have run, {cells['busy']} busy"
            ) from None
        wait_idle_kernel(page, lab, path.name)
        page.evaluate(TRACK_REDRAWS_JS)

        stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        assert stderr.count() == 0, f"error output in {path.name}: {stderr.first.inner_text()[:500]}"
        assert "Error displaying widget" not in page.inner_text(".jp-Notebook")

        widgets = page.evaluate(WIDGETS_JS)
        moved: list[str] = []
        if path.name[:2] in {"01", "03", "04", "05", "06"}:
            assert widgets, f"{path.name}: no widget rendered"
        for index, info in enumerate(widgets):
            assert info["sliders"] > 0 and info["output"].strip(), (
                f"widget {index} rendered empty: {shown(page, index)}"
            )
            for handle_index in range(info["sliders"]):
                label = page.evaluate(SHOWN_JS, index)["sliders"][handle_index]
                move(page, index, handle_index)
                moved.append(f"widget {index} slider {handle_index} (from {label})")

        if path.name.startswith("03"):  # alpha to its maximum: divergence is reported, not plotted
            from mlite_support.explorers import ALPHA_CHOICES

            top = f"{max(ALPHA_CHOICES):g}"
            labels = page.evaluate(SHOWN_JS, 0)["sliders"]
            alpha = [i for i, text in enumerate(labels) if text.startswith("alpha = ")]
            assert alpha, f"no alpha slider in widget 0: {labels}"
            move(page, 0, alpha[0], key="End")  # End: the largest alpha, in one change
            wait_until(
                page,
                f"""() => {{
                  const box = ({BOXES_JS})[0];
                  const slider = [...box.querySelectorAll('.widget-slider')]
                    .find(s => s.querySelector('.widget-label')?.innerText === 'alpha');
                  const handle = slider.querySelector('.noUi-handle');
                  return slider.querySelector('.widget-readout').innerText === {json.dumps(top)}
                    && handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemax')
                    && box.querySelector('.widget-output').innerText.includes('Training diverged')
                    && box.querySelector('.widget-output').innerText.includes('with alpha = {top} ');
                }}""",
                None,
                f"alpha at its maximum {top}: the output does not say 'Training diverged ... with alpha = {top}'",
                0,
            )
            moved.append(f"widget 0 slider {alpha[0]} (alpha) to {top}")
        assert not errors, f"JavaScript errors: {errors[:3]}"
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"), full_page=False)
        seconds = time.monotonic() - start
        with (ARTIFACTS / "browser-times.txt").open("a") as log:
            log.write(f"{path.name}: {seconds:.1f} s, moved {len(moved)} sliders: {'; '.join(moved)}\n")
    finally:
        page.close()
