//! End-to-end tests against the real binary live in tests/tests/.
