from enum import StrEnum


class HistoryEntryReason(StrEnum):
    CREATED = "created"
    MANUAL = "manual"
    PROMOTED = "promoted"
    HELD = "held"
    ROLLBACK = "rollback"

    def __str__(self) -> str:
        return str(self.value)
