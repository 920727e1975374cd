from enum import StrEnum


class TriggerPatchOverlapType0(StrEnum):
    ALLOW = "allow"
    QUEUE = "queue"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
