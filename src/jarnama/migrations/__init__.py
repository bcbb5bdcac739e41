"""Alembic migrations, shipped inside the package (`jarnama db upgrade` runs them)."""
