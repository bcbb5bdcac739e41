"""Event tracking: one event model for every channel and a durable, idempotent intake.

No relational tables: events are written to an append-only log (local segments or Kafka) and
loaded into the analytics store by `jarnama.measurement.loader`.
"""
