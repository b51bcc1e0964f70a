"""The core stays free of the UI; pages stay thin."""

import ast
import subprocess
import sys

from tests.conftest import ROOT


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_scoring_never_imports_streamlit_statically():
    offenders = [
        f"{path.name}: {name}"
        for path in (ROOT / "scoring").glob("*.py")
        for name in _imports(path)
        if name.split(".")[0] == "streamlit"
    ]
    assert offenders == []


def test_scoring_never_imports_streamlit_at_run_time():
    code = (
        "import importlib, pkgutil, sys, scoring\n"
        "for m in pkgutil.iter_modules(scoring.__path__):\n"
        "    if m.name != '__main__': importlib.import_module('scoring.' + m.name)\n"
        "from scoring.mcda import rank, _skc\n_skc()\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120, check=True)
    assert out.stdout.strip() == "False"


def test_pages_are_thin():
    pages = list((ROOT / "app_pages").glob("*.py"))
    assert pages
    # No pages/ folder: Streamlit would run a file from it directly, without app.py, on the
    # first deep link after start-up (its legacy multipage mode).
    assert not (ROOT / "pages").exists()
    for page in pages:
        assert len(page.read_text().splitlines()) <= 160, page.name
        assert "import numpy" not in page.read_text(), f"{page.name} does maths"


def test_the_repository_stands_alone():
    """No code, test, help text or message refers to a design document outside the repository."""
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT,
                             check=True).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in (".png", ".xlsx") or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for needle in ("DESIGN", "\u00a7", "../shared"):
            if needle in text and path.name != "test_architecture.py":
                offenders.append(f"{name}: {needle}")
    assert offenders == []


def test_every_test_security_md_names_exists():
    """SECURITY.md promises only what tests check: every test it names is there."""
    import re

    text = (ROOT / "SECURITY.md").read_text()
    files = {p.name: p for p in (ROOT / "tests").rglob("test_*.py")}
    named = re.findall(r"`((?:tests/(?:\w+/)*)?(test_\w+\.py)(?:::(\w+))?)`", text)
    assert len(named) > 20
    for whole, filename, function in named:
        path = ROOT / whole.split("::")[0] if whole.startswith("tests/") else files.get(filename)
        assert path is not None and path.exists(), whole
        if function:
            assert re.search(rf"^def {function}\(", path.read_text(), re.M), whole
    for bench in re.findall(r"`(bench/\w+\.py)`", text):
        assert (ROOT / bench).exists(), bench
