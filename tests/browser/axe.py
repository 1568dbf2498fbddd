"""axe-core (Deque's accessibility engine) for the browser tests.

axe-core comes from the npm registry at test time, pinned, into var/axe/
(git-ignored): `make test` fetches it first (`make axe`, which runs this
module), and the tests fetch it themselves when it is missing. Once it is
there no network is needed. Without npm the accessibility tests are skipped,
saying why.

    python -m tests.browser.axe     # fetch it now; prints where it is
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

AXE_VERSION = "4.14.1"
ROOT = Path(__file__).resolve().parents[2]
PREFIX = ROOT / "var" / "axe"
# WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


class NpmMissingError(Exception):
    """npm is not installed, so axe-core cannot be fetched."""


def _installed(node_modules: Path) -> Path | None:
    script = node_modules / "axe-core" / "axe.min.js"
    try:
        version = json.loads((node_modules / "axe-core" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
    return script if version == AXE_VERSION and script.exists() else None


def ensure_axe() -> Path:
    """The path of axe.min.js at AXE_VERSION, installing it with npm into var/axe/ if needed."""
    found = _installed(ROOT / "node_modules") or _installed(PREFIX / "node_modules")
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise NpmMissingError(f"npm is not installed, so axe-core {AXE_VERSION} cannot be fetched for the "
                             "accessibility tests; install Node.js and npm to run them.")
    PREFIX.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(PREFIX), "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
               "--loglevel=error", f"axe-core@{AXE_VERSION}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    found = _installed(PREFIX / "node_modules")
    if found is None:
        raise RuntimeError(f"`{' '.join(command)}` did not install axe-core {AXE_VERSION} "
                           f"(exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return found


def run_axe(page, script: str) -> list[dict]:
    """Inject axe-core into the page and return its WCAG 2.1 A/AA violations."""
    # Evaluated through DevTools, not added as an inline <script>: the portal's Content-Security-Policy
    # refuses inline scripts (and would rightly report the test's own).
    page.evaluate(script)
    return page.evaluate(
        """async (tags) => {
          const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
          }));
        }""",
        WCAG_AA_TAGS,
    )


def blocking(violations: list[dict]) -> list[dict]:
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def describe(url: str, violations: list[dict]) -> str:
    """Violations as text a person can act on: rule, impact, and each failing element."""
    lines = []
    for violation in violations:
        lines.append(f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines()[1:3])
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        print(ensure_axe().relative_to(ROOT))
    except NpmMissingError as missing:
        print(missing, file=sys.stderr)  # the tests skip themselves; not an error here
