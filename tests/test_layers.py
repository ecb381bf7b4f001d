"""The package's layers import downward only, in the order the README's design section
gives (``cli``, ``serve`` > ``build`` > ... ): a module imports modules of its own level
or below, never above."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "generator"


def layers() -> dict[str, int]:
    """Each top-level module or subpackage of ``generator`` -> its level (0: the top)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"\*\*Layers import downward only\*\*: (.*?)\. `site` knows", text, re.S)
    assert found, "the README's design section lists the layers"
    levels = found.group(1).replace("\n", " ").split(" > ")
    return {name.strip().strip("`"): k for k, names in enumerate(levels)
            for name in names.split(",")}


def imported(path: Path) -> set[str]:
    """The top-level modules of ``generator`` that the module at ``path`` imports."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names if a.name.startswith("generator.")]
            out.update(n[1] for n in names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith("generator."):
                    out.add(node.module.split(".")[1])
                elif node.module == "generator":
                    out.update(a.name for a in node.names)
                continue
            base = list(package[:len(package) - (node.level - 1)])
            target = base + (node.module.split(".") if node.module else [])
            out.update([target[0]] if target else [a.name for a in node.names])
    return out


def test_every_module_is_in_a_layer():
    level = layers()
    modules = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
               if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
               or (p.is_dir() and (p / "__init__.py").exists())}
    assert sorted(modules - set(level)) == []
    assert sorted(set(level) - modules) == []


def test_layers_import_downward_only():
    level = layers()
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if me not in level:
            continue
        for other in imported(path):
            if other in level and other != me and level[other] < level[me]:
                upward.append(f"{path.relative_to(ROOT)} imports {other}")
    assert upward == []
