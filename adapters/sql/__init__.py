"""Storage with SQLAlchemy: SQLite by default, PostgreSQL to scale out."""
