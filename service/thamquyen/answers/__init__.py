"""The words of an answer, shared by the CLI, the JSON API and the pages.

Vietnamese dates, citations in Vietnamese order ("khoản 1 Điều 14 Luật số 72/2025/QH15"), the
sentences of a chain, and the explanations of an empty or displaced answer (vi and en). Nothing
here reads a store: callers pass a `name` function that turns an IRI into its label.
"""

from .chains import STEP_WORDS, describe_chain
from .citations import vietnamese_order
from .dates import parse_date, vn_date
from .explanations import word

__all__ = ["STEP_WORDS", "describe_chain", "parse_date", "vietnamese_order", "vn_date", "word"]
