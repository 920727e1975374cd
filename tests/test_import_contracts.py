"""Every import contract in pyproject.toml can fail: with one import it forbids added to a
copy of the code, `lint-imports` refuses the copy and names that contract and that import.

A contract that no import can break guards nothing; these cases are the imports each one
exists to stop (among them the two inversions they were written for: a router naming a
table class, and the run store calling up into a service).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# contract id -> (file of the copy, the import added to it, "importer -> imported" as reported)
CASES: dict[str, tuple[str, str, str]] = {
    "kernel-has-no-web": ("app/runs/store.py", "import fastapi", "app.runs.store -> fastapi"),
    "worker-has-no-web": ("worker/requests.py", "import app.main", "worker.requests -> app.main"),
    "worker-stays-sync": ("worker/requests.py", "import app.db.async_engine",
                          "worker.requests -> app.db.async_engine"),
    "routers-call-services": ("app/auth/router.py", "from app.db.tables import ServicePrincipal",
                              "app.auth.router -> app.db.tables"),
    "app-has-no-worker": ("app/runs/service.py", "import worker.tasks", "app.runs.service -> worker.tasks"),
    "spec-has-no-ml": ("app/pipelines/spec.py", "import sklearn", "app.pipelines.spec -> sklearn"),
    "app-tiers": ("app/db/engine.py", "import app.runs.service", "app.db.engine -> app.runs.service"),
    "auth-layers": ("app/auth/repository.py", "import app.auth.service", "app.auth.repository -> app.auth.service"),
    # The Azure translation answers in Azure's shape; it never reaches back into its router.
    "azure-layers": ("app/azure/schemas.py", "import app.azure.service", "app.azure.schemas -> app.azure.service"),
    "datastores-layers": ("app/datastores/repository.py", "import app.datastores.service",
                          "app.datastores.repository -> app.datastores.service"),
    "deployments-layers": ("app/deployments/serving.py", "import app.deployments.service",
                           "app.deployments.serving -> app.deployments.service"),
    "endpoints-layers": ("app/endpoints/service.py", "import app.endpoints.router",
                         "app.endpoints.service -> app.endpoints.router"),
    "models_registry-layers": ("app/models_registry/repository.py", "import app.models_registry.service",
                               "app.models_registry.repository -> app.models_registry.service"),
    "ops-layers": ("app/ops/schemas.py", "import app.ops.service", "app.ops.schemas -> app.ops.service"),
    "pipelines-layers": ("app/pipelines/spec.py", "import app.pipelines.service",
                         "app.pipelines.spec -> app.pipelines.service"),
    "runs-layers": ("app/runs/store.py", "import app.runs.service", "app.runs.store -> app.runs.service"),
    "webhooks-layers": ("app/webhooks/delivery.py", "import app.webhooks.service",
                        "app.webhooks.delivery -> app.webhooks.service"),
    "triggers-layers": ("app/triggers/slots.py", "import app.triggers.firing",
                        "app.triggers.slots -> app.triggers.firing"),
    "domains-independent": ("app/ops/service.py", "import app.runs.service", "app.ops.service -> app.runs.service"),
    "repositories-call-no-service": ("app/runs/store.py", "from app.models_registry import service",
                                     "app.runs.store -> app.models_registry.service"),
    "cli-client-has-no-server": ("retrainer_cli/submit.py", "import app.runs.metrics",
                                 "retrainer_cli.submit -> app.runs.metrics"),
    "components-get-their-context": ("worker/components/data.py", "from app.runs import store",
                                     "worker.components.data -> app.runs.store"),
    "worker-reaches-no-repository": ("worker/gate.py", "from app.models_registry import repository",
                                     "worker.gate -> app.models_registry.repository"),
}


def contract_ids() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [c["id"] for c in config["tool"]["importlinter"]["contracts"]]


def lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # lint-imports analyses the packages found from its working directory (it puts it first
    # on sys.path), so run in the copy it reads the copy.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the Python code and the contracts, shared by every case (each case
    restores the file it changed); the copy as it is keeps every contract."""
    copy = tmp_path_factory.mktemp("contracts")
    skip = shutil.ignore_patterns("__pycache__", "static", "*.pyc")
    for package in ("app", "worker", "retrainer_cli"):
        shutil.copytree(ROOT / package, copy / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    kept = lint_imports(copy)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    yield copy


def test_every_contract_has_a_case() -> None:
    assert sorted(contract_ids()) == sorted(CASES)


@pytest.mark.parametrize("contract", sorted(CASES))
def test_contract_refuses_its_forbidden_import(tree: Path, contract: str) -> None:
    path, statement, reported = CASES[contract]
    file = tree / path
    original = file.read_text()
    file.write_text(original + f"\n{statement}  # added by tests/test_import_contracts.py\n")
    try:
        result = lint_imports(tree, "--contract", contract)
    finally:
        file.write_text(original)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "0 kept, 1 broken" in output, output
    assert reported in output, output
