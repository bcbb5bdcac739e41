"""Kazakh transcreation studio: QA, translation memory, termbase, MT, review and exports."""
