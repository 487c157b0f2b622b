"""Importers of the spreadsheets provinces publish and keep: procedure lists (national
procedure database exports, annexes of "công bố danh mục TTHC" decisions) and delegation
registers. Each reads the whole file, matches every name against the graph, validates the new
triples with the shipped shapes and writes Turtle only when every row passes."""

from .common import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, ImportContext, Options, run_import
from .delegations import DelegationImporter
from .procedures import ProcedureImporter

IMPORTERS = {"procedures": ProcedureImporter, "delegations": DelegationImporter}

__all__ = ["EXIT_OK", "EXIT_REJECTED", "EXIT_UNREADABLE", "IMPORTERS", "DelegationImporter",
           "ImportContext", "Options", "ProcedureImporter", "run_import"]
