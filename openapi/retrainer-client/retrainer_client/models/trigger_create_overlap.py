from enum import StrEnum


class TriggerCreateOverlap(StrEnum):
    SKIP = "skip"
    QUEUE = "queue"
    ALLOW = "allow"

    def __str__(self) -> str:
        return str(self.value)
