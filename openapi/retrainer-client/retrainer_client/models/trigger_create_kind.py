from enum import StrEnum


class TriggerCreateKind(StrEnum):
    SCHEDULE = "schedule"
    DATA = "data"

    def __str__(self) -> str:
        return str(self.value)
