"""Closed-loop measurement: the analytics store (DuckDB over day-partitioned Parquet), the
exactly-once loader from the event log, attribution and campaign metrics."""
