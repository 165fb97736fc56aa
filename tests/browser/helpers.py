"""Helpers for browser tests: accessibility checks and screenshots."""

import re
from pathlib import Path

from playwright.sync_api import Page

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page; fail on every serious or critical WCAG 2.1 A/AA violation."""
    assert AXE_SCRIPT.exists(), f"axe-core is missing at {AXE_SCRIPT}: run `npm ci`."
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}},
    )
    violations = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, f"Accessibility violations on {page.url}:\n" + "\n".join(
        _describe(v) for v in violations
    )


def _describe(violation: dict) -> str:
    lines = [f"- [{violation['impact']}] {violation['id']}: {violation['help']}"]
    for node in violation["nodes"]:
        lines.append(f"    {_selector(node['target'])}: {_why(node)}")
    return "\n".join(lines)


def _selector(target: list) -> str:
    # A target is a list of selectors, one per frame or shadow root it crosses.
    return " >> ".join(s if isinstance(s, str) else " >> ".join(s) for s in target)


def _why(node: dict) -> str:
    checks = node.get("any") or node.get("all") or node.get("none") or []
    return checks[0]["message"] if checks else node.get("failureSummary", "")


class Screenshots:
    """Numbered full-page screenshots of one test's steps, in test-artifacts/, for humans."""

    def __init__(self, test_name: str) -> None:
        self.prefix = re.sub(r"[^\w.-]+", "-", test_name).strip("-")
        self.count = 0
        ARTIFACTS_DIR.mkdir(exist_ok=True)

    def __call__(self, page: Page, step: str) -> Path:
        self.count += 1
        path = ARTIFACTS_DIR / f"{self.prefix}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
