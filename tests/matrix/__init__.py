"""The tenant matrix's parts: the case model, the world it runs in, and one row list per domain.

The tests themselves are in `tests/test_tenant_matrix.py`.
"""
