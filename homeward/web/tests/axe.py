"""Accessibility check for the browser tests: axe-core (vendored, see vendor/axe-core/README.md)
runs in the page and a test fails on any violation of impact "critical" or "serious".

    from homeward.web.tests.axe import assert_accessible
    assert_accessible(page)                  # the whole document
    assert_accessible(page, include="main")  # one region

The script goes in through Playwright's evaluate (DevTools), not a <script> tag, so the page's
Content-Security-Policy (no inline script) need not be loosened for tests.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def violations(page, *, include: str | None = None) -> list[dict]:
    """Every violation axe finds in the page (or under the `include` selector)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    return page.evaluate(
        """async (include) => {
            const context = include ? {include: [include]} : document;
            const result = await window.axe.run(context, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }""",
        include,
    )


def assert_accessible(page, *, include: str | None = None) -> None:
    """Fails with each critical or serious violation named (rule, help, up to five elements)."""
    found = [v for v in violations(page, include=include) if v["impact"] in BLOCKING]
    assert not found, f"axe: {page.url}\n" + "\n".join(
        f"  {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}" for v in found
    )
