from enum import StrEnum


class TriggerCreateKind(StrEnum):
    DATA = "data"
    SCHEDULE = "schedule"

    def __str__(self) -> str:
        return str(self.value)
