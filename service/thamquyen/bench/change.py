"""New delegations to check against a store: a valid copy of an existing one, and a broken one."""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from ..namespaces import ID, RDF, TQ

AUTHORIZATION = ox.NamedNode(str(TQ.Authorization))
TYPE = ox.NamedNode(str(RDF.type))
DELEGATOR, DELEGATE = ox.NamedNode(str(TQ.delegator)), ox.NamedNode(str(TQ.delegate))


def _nth_authorization(store: ox.Store, k: int) -> ox.NamedNode:
    quads = store.quads_for_pattern(None, TYPE, AUTHORIZATION)
    picked = list(itertools.islice(quads, 37 * k, 37 * k + 1)) or list(itertools.islice(
        store.quads_for_pattern(None, TYPE, AUTHORIZATION), 1))
    if not picked:
        raise LookupError("the store holds no tq:Authorization to copy")
    subject = picked[0].subject
    assert isinstance(subject, ox.NamedNode)
    return subject


def copied_delegation(store: ox.Store, k: int) -> list[ox.Triple]:
    """The triples of an existing ủy quyền under a new IRI (a valid new row)."""
    source = _nth_authorization(store, k)
    new = ox.NamedNode(f"{ID}delegation/bench-new-{k}")
    return [ox.Triple(new, q.predicate, q.object) for q in store.quads_for_pattern(source, None, None)]


def broken_delegation(store: ox.Store) -> list[ox.Triple]:
    """A copy whose receiver passes the power on to itself: it must be rejected."""
    triples = copied_delegation(store, 0)
    delegate = next(t.object for t in triples if t.predicate == DELEGATE)
    subject = ox.NamedNode(f"{ID}delegation/bench-new-broken")
    return [ox.Triple(subject, t.predicate, delegate if t.predicate == DELEGATOR else t.object)
            for t in triples]
