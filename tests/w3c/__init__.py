"""The W3C SHACL test suite (test data) and its runner."""
