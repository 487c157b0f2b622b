"""Where the knowledge folders (ontology/, shapes/, data/, queries/) live."""

from __future__ import annotations

import os
from pathlib import Path

KNOWLEDGE_DIRS = ("ontology", "shapes", "data", "queries")


def project_root() -> Path:
    """Return the folder holding ontology/, shapes/, data/ and queries/.

    THAMQUYEN_HOME overrides it; otherwise it is the repository this package sits in.
    """
    env = os.environ.get("THAMQUYEN_HOME")
    if env:
        return Path(env).resolve()
    return install_root()


def install_root() -> Path:
    """The repository this package sits in, whatever THAMQUYEN_HOME says: `npm ci` puts the
    browser assets (YASGUI, Swagger UI, ReDoc) in its node_modules/."""
    return Path(__file__).resolve().parents[2]


def node_modules() -> list[Path]:
    """Where `npm ci` may have put the browser assets: the data home's node_modules/, then
    the install's (a data home of its own usually has none)."""
    found = [project_root() / "node_modules", install_root() / "node_modules"]
    return found if found[0] != found[1] else found[:1]


def ontology_dir() -> Path:
    """The ontology folder."""
    return project_root() / "ontology"


def shapes_dir() -> Path:
    """The SHACL shapes folder."""
    return project_root() / "shapes"


def data_dir() -> Path:
    """The data folder (the shipped facts)."""
    return project_root() / "data"


def queries_dir() -> Path:
    """The named-query folder."""
    return project_root() / "queries"


def work_dir() -> Path:
    """The working folder for the embedded store and caches (THAMQUYEN_WORKDIR or .thamquyen/)."""
    env = os.environ.get("THAMQUYEN_WORKDIR")
    return Path(env).resolve() if env else project_root() / ".thamquyen"
