"""The documentation must keep up with the code."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "caremap" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_source))
    documented = set(
        re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "no environment variables found; has settings.py changed shape?"
    assert read - documented == set()


def test_every_caremap_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    ours = {name for name, app in get_commands().items() if app == "caremap"}
    assert ours, "the project's own commands were not found"
    for name in ours:
        assert f"caremap {name}" in readme, (
            f"`caremap {name}` is not documented in README.md"
        )


def test_the_readme_names_the_two_commands_and_the_demo_sign_ins():
    readme = (ROOT / "README.md").read_text()
    for text in ["make run", "make test", "caremap-demo"]:
        assert text in readme
    for role in ["navigator", "manager", "commissioner", "admin"]:
        assert f"{role}@demo.caremap.test" in readme


def test_every_decision_record_has_a_title_and_a_reason():
    records = sorted((ROOT / "docs" / "decisions").glob("*.md"))
    assert records
    for path in records:
        text = path.read_text()
        assert text.startswith("# "), path.name
        assert "**Why.**" in text, path.name


def test_every_test_named_in_the_security_page_exists():
    import ast

    text = (ROOT / "docs" / "security.md").read_text()
    named = re.findall(r"`(caremap/[\w/]+\.py)::(test_\w+)`", text)
    assert len(named) > 40, "the security page should name the tests behind it"
    for path, name in named:
        source = ROOT / path
        assert source.exists(), f"docs/security.md names {path}, which is missing"
        defined = {
            node.name
            for node in ast.walk(ast.parse(source.read_text()))
            if isinstance(node, ast.FunctionDef)
        }
        assert name in defined, f"docs/security.md names {path}::{name}, not found"
