from enum import StrEnum


class TriggerCreateOverlap(StrEnum):
    ALLOW = "allow"
    QUEUE = "queue"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
