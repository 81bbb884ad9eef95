"""The W3C Nu HTML Checker (npm ``vnu-jar``), run once over many files with the system's Java."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    extract: str


def java_missing() -> str | None:
    """Why the checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "Java is not installed (apt-get install -y default-jre-headless)"
    if not JAR.is_file():
        return f"{JAR.relative_to(ROOT)} is missing: run npm ci"
    return None


def errors_in(files: list[Path]) -> list[Problem]:
    """Every error vnu finds in these HTML files (warnings are not errors); one Java start for all of them."""
    command = ["java", "-Xss8m", "-jar", str(JAR), "--format", "json", "--errors-only", *map(str, files)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert finished.stderr.startswith("{"), f"vnu did not report: {finished.stderr[-2000:]}"
    messages = json.loads(finished.stderr)["messages"]  # vnu writes its JSON report to stderr
    return [
        Problem(
            Path(m.get("url", "").removeprefix("file:")).name,
            m.get("lastLine"),
            m["message"],
            " ".join(m.get("extract", "").split()),
        )
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
