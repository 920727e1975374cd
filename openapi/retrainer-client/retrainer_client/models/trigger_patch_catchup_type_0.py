from enum import StrEnum


class TriggerPatchCatchupType0(StrEnum):
    LATEST = "latest"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
