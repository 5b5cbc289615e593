"""Persistence: SQLModel tables, repository functions, engine, session scope and migrations."""
