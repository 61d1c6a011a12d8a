"""The one exception users see: :class:`DataError`.

Every problem with a user's file or input becomes a ``DataError`` whose message names
the file, the row as a spreadsheet shows it (header = row 1), the column and what is
wrong, in the user's language.
"""
from __future__ import annotations


class DataError(ValueError):
    """A problem with a user's file or input, told in one clear sentence.

    Parameters
    ----------
    problem : str
        What is wrong, already in the user's language (use ``cxkit.i18n.t``).
    file, row, column : optional
        Where it is. ``row`` is the row number as a spreadsheet shows it: the header
        is row 1, the first data row is row 2.
    """

    def __init__(self, problem: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.problem = problem
        self.file = file
        self.row = None if row is None else int(row)
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        from .i18n import get_language, t  # local import: i18n never depends on errors

        where = []
        if self.file:
            where.append(t("error.where_file", file=self.file))
        if self.row is not None:
            where.append(t("error.where_row", row=self.row))
        if self.column:
            where.append(t("error.where_column", column=self.column))
        colon = "\u00a0: " if get_language() == "fr" else ": "  # French puts a space before ':'
        return f"{', '.join(where)}{colon}{self.problem}" if where else self.problem
