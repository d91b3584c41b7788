"""Every permission rule registered with core.access is exercised by some matrix module."""

import importlib
from pathlib import Path

from salesdesk.core import access


def test_every_permission_rule_appears_in_a_matrix():
    covered: set[str] = set()
    for module_path in sorted(Path(__file__).parent.glob("test_matrix_*.py")):
        module = importlib.import_module(f"tests.security.{module_path.stem}")
        covered |= set(module.COVERED_RULES)
    assert access.registered_rules() - covered == set(), "rules no matrix checks"
    assert covered - access.registered_rules() == set(), "matrix names rules that do not exist"
