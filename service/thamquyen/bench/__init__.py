"""National-scale benchmark: a deterministic data generator and the side-by-side benchmark."""
