from enum import StrEnum


class TriggerPatchOverlapType0(StrEnum):
    SKIP = "skip"
    QUEUE = "queue"
    ALLOW = "allow"

    def __str__(self) -> str:
        return str(self.value)
