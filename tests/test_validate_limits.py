"""POST /api/validate: no silent pass in other namespaces, and its limits — triples and
blank-node nesting (413, vi/en), the deadline (503 `validation_timeout`) — each checked with
status, code and message; CLI: relative IRIs, --fail-on and the JSON `fails`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_error

USER_NS = "https://data.example.gov.vn/so-noi-vu/"
ROOT = Path(__file__).resolve().parent.parent
AUTHORIZATION = f"""@prefix tq: <https://w3id.org/thamquyen/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix u: <{USER_NS}> .
@prefix id: <https://w3id.org/thamquyen/id/> .
u:uy-quyen-1 a tq:Authorization ;
    tq:power <https://w3id.org/thamquyen/id/power/kiem-thu-api-mot> ;
    tq:delegator <https://w3id.org/thamquyen/id/agency/ubnd-84> ;
    tq:delegate <https://w3id.org/thamquyen/id/agency/so-noi-vu-84> ;
    tq:instrument u:qd-1 ;
    tq:validFrom "2024-01-01"^^xsd:date .
"""
HEADERS = {"Content-Type": "text/turtle"}


@pytest.fixture(scope="module")
def limited(app_factory):
    """A client on the embedded store with small limits."""
    return app_factory.client("embedded", max_validate_triples=100, max_blank_depth=5)


def post(client, text: str):
    """POST the Turtle text to /api/validate."""
    return client.post("/api/validate", content=text.encode("utf-8"), headers=HEADERS)


def test_user_namespace_is_validated(limited) -> None:
    """An ủy quyền with no end date in the user's own namespace is an R2 Violation."""
    answer = post(limited, AUTHORIZATION)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["conforms"] is False and report["fails"] is True
    # R2 has one shape per period of the law (tqs:R2-2015, tqs:R2-65, tqs:R2-72)
    r2 = [r for r in report["results"] if re.search(r"#R2-(2015|65|72)$", r["shape"])]
    assert r2 and r2[0]["focus"] == f"{USER_NS}uy-quyen-1" and r2[0]["severity"] == "Violation"


def test_too_many_triples_is_413(limited) -> None:
    text = "".join(f"<{USER_NS}n{i}> <{USER_NS}p> {i} .\n" for i in range(150))
    body = assert_error(post(limited, text), 413, "too_large")
    assert "100" in body["detail"] and "bộ ba" in body["detail"] and "triples" in body["detail"]


def test_deep_blank_nodes_are_413(limited) -> None:
    text = f"<{USER_NS}a> " + f"<{USER_NS}p> [ " * 8 + f"<{USER_NS}p> 1" + " ]" * 8 + " .\n"
    body = assert_error(post(limited, text), 413, "too_complex")
    assert "lồng nhau 8 tầng" in body["detail"] and "nest 8 deep" in body["detail"]


def test_900_kb_of_nested_blank_nodes_ends_quickly(app_factory) -> None:
    """The default limits refuse it, within the service's default deadline (one linear parse)."""
    client = app_factory.client("embedded", validation_timeout=30.0)
    depth = 900_000 // len(f"<{USER_NS}p> [ ")
    text = f"<{USER_NS}a> " + f"<{USER_NS}p> [ " * depth + "]" * depth + " .\n"
    started = time.monotonic()
    assert_error(post(client, text), 413, "too_complex")
    assert time.monotonic() - started < client.app.state.service.settings.validation_timeout


def test_deadline_is_503(app_factory) -> None:
    client = app_factory.client("embedded", validation_timeout=0.001)
    body = assert_error(post(client, AUTHORIZATION), 503, "validation_timeout")
    assert "giây" in body["detail"] and "did not finish" in body["detail"]


def cli(*args: str) -> subprocess.CompletedProcess:
    """Run `thamquyen …` in the repository."""
    return subprocess.run([sys.executable, "-m", "thamquyen.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_cli_relative_iris_fail_on_and_fails(tmp_path: Path) -> None:
    """Relative IRIs resolve against the file; a Warning fails only with --fail-on warning."""
    doc = tmp_path / "rel.ttl"
    doc.write_text("@prefix tq: <https://w3id.org/thamquyen/ontology#> .\n"
                   "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                   "<tai-lieu> a tq:LegalDocument ; skos:prefLabel \"Tài liệu\"@vi ;\n"
                   "  tq:documentType tq:Decision ;\n"
                   "  tq:issuedBy <co-quan> ;\n"
                   "  tq:dateIssued \"2024-01-02\"^^<http://www.w3.org/2001/XMLSchema#date> .\n"
                   "<co-quan> a tq:Agency ; skos:prefLabel \"Chính phủ\"@vi ;\n"
                   "  tq:agencyType tq:Government ; tq:level tq:CentralLevel .\n",
                   encoding="utf-8")
    done = cli("validate", "--no-data", "--format", "json", str(doc))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    focus = {r["focus"] for r in report["results"]}
    assert doc.resolve().parent.as_uri() + "/tai-lieu" in focus  # the number is a Warning
    assert report["conforms"] is False and report["fails"] is False
    assert cli("validate", "--no-data", "--fail-on", "warning", str(doc)).returncode == 1
