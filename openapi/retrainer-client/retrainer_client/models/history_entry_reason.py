from enum import StrEnum


class HistoryEntryReason(StrEnum):
    CREATED = "created"
    HELD = "held"
    MANUAL = "manual"
    PROMOTED = "promoted"
    ROLLBACK = "rollback"

    def __str__(self) -> str:
        return str(self.value)
