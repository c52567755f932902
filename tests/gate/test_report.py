"""The run report: one self-contained HTML file that renders offline in headless Chromium (Debian `chromium`)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from clout import pipeline

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]  # any network fetch fails: offline


@pytest.fixture(scope="module")
def report(two_networks_scored, tmp_path_factory):
    from gatekit import copy_warehouse

    home, run_id = two_networks_scored
    settings = copy_warehouse(home, tmp_path_factory.mktemp("report") / "warehouse")
    result = pipeline.audit_step(settings, run_id)
    return result.report_path


def test_the_report_is_self_contained(report):
    html = report.read_text(encoding="utf-8")
    # no CDN, no link: the one script it loads is the shared plotly.js beside it (issue 16: 4.9 MB inlined before)
    from clout.audit.report import plotly_script_name

    assert re.findall(r"<script[^>]+src=\"([^\"]+)\"", html) == [plotly_script_name()]
    assert (report.parent / plotly_script_name()).is_file() and not re.search(r"<link[^>]+href=", html)
    for section in ("Findings", "Data-driven vs algorithm-driven change", "Score distribution",
                    "Top 20 risers", "Top 20 fallers", "Per network", "Per topic", "Contract checks"):
        assert section in html, section
    assert "mastodon" in html and "twitter" in html  # per-network swings


def test_the_report_renders_its_plots_in_headless_chromium(report, tmp_path):
    if CHROMIUM is None:  # not a skip: CI must prove the report renders
        pytest.fail("headless Chromium is needed for this test: apt-get install -y chromium (Debian package)")
    dom = subprocess.run([CHROMIUM, *FLAGS, "--virtual-time-budget=10000", "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert dom.count('class="main-svg"') >= 8  # plotly drew every figure (2 svg layers each), offline
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *FLAGS, "--window-size=1280,2400", f"--screenshot={shot}", report.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 50_000  # a page with charts, not a blank one
