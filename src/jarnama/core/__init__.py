"""Small shared pieces: errors, money, time, database sessions, pagination."""
