"""Meta tests: the layers point one way, and only the Telegram front end imports telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TELEGRAM_FREE_PACKAGES = ("retrieval", "answers", "config")


def telegram_imports(source: str) -> list[int]:
    """The lines of a module's source that import the `telegram` package."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        if any(name == "telegram" or name.startswith("telegram.") for name in names):
            lines.append(node.lineno)
    return lines


def _modules() -> list[Path]:
    return sorted(p for package in TELEGRAM_FREE_PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_the_packages_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert {"answers/engine.py", "answers/compose.py", "config/settings.py"} <= names


@pytest.mark.parametrize("module", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_does_not_import_telegram(module: Path) -> None:
    assert telegram_imports(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import telegram", [1]),
        ("import os\nimport telegram.ext as ext", [2]),
        ("from telegram import Bot", [1]),
        ("from telegram.constants import ParseMode", [1]),
        ("if TYPE_CHECKING:\n    from telegram import Update", [2]),
        ("def f():\n    import telegram", [2]),
        ("import importlib\nimportlib.import_module('telegram')", [2]),
        ("__import__('telegram.ext')", [1]),
        ("from answers.telegram import render", []),
        ("from .telegram import render", []),
        ("import telegramx\nimport python_telegram", []),
        ("text = 'import telegram'", []),
    ],
)
def test_telegram_imports_finds_every_form(source: str, expected: list[int]) -> None:
    assert telegram_imports(source) == expected


def test_bot_is_where_telegram_is_imported() -> None:
    assert telegram_imports((ROOT / "bot.py").read_text(encoding="utf-8"))


def imported_modules(source: str) -> set[str]:
    """Every module a source imports, at any depth of the code, by its absolute name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _imports_package(module: Path, package: str) -> bool:
    names = imported_modules(module.read_text(encoding="utf-8"))
    return any(name == package or name.startswith(package + ".") for name in names)


@pytest.mark.parametrize(
    "module",
    sorted((ROOT / "retrieval").rglob("*.py")),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_retrieval_does_not_import_answers(module: Path) -> None:
    assert not _imports_package(module, "answers")


@pytest.mark.parametrize(
    "module",
    sorted(
        p for package in ("retrieval", "answers", "config") for p in (ROOT / package).rglob("*.py")
    ),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_packages_do_not_import_the_front_ends(module: Path) -> None:
    for front_end in ("bot", "botkit", "cli", "launcher"):
        assert not _imports_package(module, front_end)


def test_config_imports_neither_retrieval_nor_answers() -> None:
    for module in sorted((ROOT / "config").rglob("*.py")):
        assert not _imports_package(module, "retrieval")
        assert not _imports_package(module, "answers")


def test_the_front_ends_do_not_import_each_other() -> None:
    assert not _imports_package(ROOT / "bot.py", "cli")
    assert not _imports_package(ROOT / "cli.py", "bot")
    assert not _imports_package(ROOT / "cli.py", "botkit")


@pytest.mark.parametrize(
    "module", sorted((ROOT / "botkit").rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_botkit_is_telegram_machinery_only(module: Path) -> None:
    """botkit holds delivery, order and persistence; it knows no answers and no handlers."""
    for package in ("answers", "retrieval", "bot", "cli"):
        assert not _imports_package(module, package)


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("from answers.model import Answer", "answers", True),
        ("import answers", "answers", True),
        ("def f():\n    import answers.engine", "answers", True),
        ("if TYPE_CHECKING:\n    from answers import Fact", "answers", True),
        ("from answersheet import x", "answers", False),
        ("text = 'from answers import x'", "answers", False),
        ("import bot", "bot", True),
        ("from botocore import x", "bot", False),
    ],
)
def test_imports_package_finds_every_form(
    tmp_path: Path, source: str, package: str, expected: bool
) -> None:
    module = tmp_path / "module.py"
    module.write_text(source, encoding="utf-8")
    assert _imports_package(module, package) is expected


def test_every_package_is_installed_by_pyproject() -> None:
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for package in ("retrieval", "answers", "config")
        for init in (ROOT / package).rglob("__init__.py")
    }
    assert found <= listed
