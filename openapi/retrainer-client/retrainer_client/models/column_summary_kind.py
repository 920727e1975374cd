from enum import StrEnum


class ColumnSummaryKind(StrEnum):
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    EMPTY = "empty"
    NUMBER = "number"
    TEXT = "text"

    def __str__(self) -> str:
        return str(self.value)
