"""A turn's statements, compiled once and run on the database driver's own cursor.

Why: a turn runs five small statements. Through ``Connection.execute`` each paid for
SQLAlchemy's compiled-cache lookup, its parameter processing and its result wrapping: about
0.3 ms of CPU a turn on SQLite, four times what SQLite itself took (``python -m
bench.telegram_bench``, service alone). The statements are still written as Core constructs
against ``schema``'s tables, compiled by the connection's own dialect; the values go through
each column type's own bind processor (``UtcDateTime`` included), and they run in the
SQLAlchemy transaction the turn began, so that its BEGIN, COMMIT, rollback and pool stay
SQLAlchemy's. Driver errors are translated to SQLAlchemy's, as ``Connection.execute`` would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

_Processor = Callable[[Any], Any]


class DriverStatement:
    """One Core statement for one dialect; simple binds only (no expanding IN lists)."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        # A Core statement compiles to SQL (not DDL): SQLCompiler's attributes are there.
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("expanding bind parameters need SQLAlchemy's execution")
        self.sql = compiled.string
        self.dialect = dialect
        # Positional paramstyles (SQLite's qmark) take the values in the compiled order;
        # named ones (psycopg's pyformat) a mapping.
        self.order: tuple[str, ...] | None = (
            tuple(compiled.positiontup or ()) if compiled.positional else None
        )
        # Literals in the statement are bind parameters that carry their value.
        self.literals = {
            name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
        }
        self.processors: dict[str, _Processor] = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def run(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` (by bind name) in ``connection``'s transaction; the driver's
        cursor, to fetch from.

        Raises:
            DBAPIError: the driver's error, as SQLAlchemy's subclass of it (IntegrityError,
                OperationalError...), which ``Database.begin`` translates in turn.
        """
        processed = {
            name: processor(value) if (processor := self.processors.get(name)) else value
            for name, value in ({**self.literals, **values} if self.literals else values).items()
        }
        parameters: Any = (
            processed if self.order is None else tuple(processed[name] for name in self.order)
        )
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, parameters)
        except self.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                self.sql, parameters, exc, self.dialect.loaded_dbapi.Error, dialect=self.dialect
            ) from exc
        return cursor


class DriverStatements:
    """Named statements, compiled on first use for each kind of dialect met."""

    def __init__(self, build: Callable[[str], Mapping[str, ClauseElement]]) -> None:
        """``build(dialect_name)``: the Core statements (an upsert is written per dialect)."""
        self.build = build
        self._compiled: dict[tuple[str, str, str], dict[str, DriverStatement]] = {}

    def of(self, connection: Connection) -> Mapping[str, DriverStatement]:
        dialect = connection.dialect
        kind = (dialect.name, dialect.driver, dialect.paramstyle)
        compiled = self._compiled.get(kind)
        if compiled is None:
            compiled = {
                name: DriverStatement(statement, dialect)
                for name, statement in self.build(dialect.name).items()
            }
            self._compiled[kind] = compiled
        return compiled
