from enum import StrEnum


class ColumnSummaryKind(StrEnum):
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    EMPTY = "empty"

    def __str__(self) -> str:
        return str(self.value)
