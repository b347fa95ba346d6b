"""The API reference in a real browser, on the running local platform, under its own CSP.

`/docs` renders Swagger UI from the files we serve, every operation of docs/openapi.yaml shows,
the browser reports no CSP violation and no console error, and axe-core's WCAG 2.1 A and AA
rules pass on it (with operations expanded), desktop and 390 px. Screenshots land in
`test-artifacts/apidocs/` for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.support.browser_pages import AXE, WIDTHS, axe_violations

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "apidocs"
# Every violation the page meets, and every console message, reach the test.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    page.add_init_script(LISTEN)
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.messages = messages
    try:
        yield page
    finally:
        page.close()


def _open_docs(tab: Any, platform: dict[str, Any], width: int, lang: str = "en") -> None:
    tab.set_viewport_size({"width": width, "height": 900})
    tab.goto(f"{platform['base_url']}/docs?lang={lang}")
    tab.wait_for_selector(".opblock-summary-path", timeout=20_000)


def _documented_operations() -> set[str]:
    spec = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    return {
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_docs_renders_every_operation_with_no_csp_violation(
    platform: dict[str, Any], tab: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    _open_docs(tab, platform, WIDTHS[0])

    shown = {
        " ".join(text.split())
        for text in tab.locator(".opblock-summary").evaluate_all(
            "els => els.map(e => e.querySelector('.opblock-summary-method').textContent + ' '"
            " + e.querySelector('.opblock-summary-path').textContent.replace(/\\u200b/g, ''))"
        )
    }
    assert "POST /v1/issuers" in shown
    assert shown == _documented_operations()
    tab.locator("#operations-default-post_v1_issuers .opblock-summary-control").click()
    tab.wait_for_selector("#operations-default-post_v1_issuers .responses-table")
    tab.screenshot(path=str(SHOTS / "docs-1280-en.png"), full_page=False)

    assert tab.evaluate("() => window.__violations") == []
    assert tab.messages == []


def test_the_csp_is_enforced_and_a_violation_would_be_seen(
    platform: dict[str, Any], tab: Any
) -> None:
    """The listener is live: an inline script injected into the page is refused and reported."""
    _open_docs(tab, platform, WIDTHS[0])
    tab.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.head.appendChild(s); }"
    )
    tab.wait_for_function("() => window.__violations.length > 0")
    assert tab.evaluate("() => window.__ran") is None
    assert tab.evaluate("() => window.__violations")[0].startswith("script-src")


@pytest.mark.parametrize("width", WIDTHS)
def test_docs_passes_axe_wcag_21_a_and_aa_with_operations_open(
    platform: dict[str, Any], tab: Any, width: int
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `make setup` (or bash tests/a11y/install.sh)")
    _open_docs(tab, platform, width, lang="it")
    for operation in ("post_v1_badges__badge_id__assertions", "post_v1_verify"):
        tab.locator(f"#operations-default-{operation} .opblock-summary-control").click()
        tab.wait_for_selector(f"#operations-default-{operation} .responses-table")
    tab.screenshot(path=str(SHOTS / f"docs-{width}-it.png"), full_page=False)
    # axe is injected past the page's CSP for the measurement only.
    found = axe_violations_bypassing_csp(tab)
    assert found == [], "\n".join(str(v) for v in found)


def axe_violations_bypassing_csp(tab: Any) -> list[Any]:
    """The page's CSP refuses axe's script tag (as it should): read the file and evaluate it
    through the DevTools protocol, which CSP does not govern."""
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    return axe_violations(tab)


def test_openapi_json_on_the_platform_is_the_yaml_document(platform: dict[str, Any]) -> None:
    reply = requests.get(f"{platform['base_url']}/openapi.json", timeout=30)
    assert reply.status_code == 200
    assert reply.json() == yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
