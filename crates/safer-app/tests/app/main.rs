//! The tasks of the application layer, on SQLite and PostgreSQL.
