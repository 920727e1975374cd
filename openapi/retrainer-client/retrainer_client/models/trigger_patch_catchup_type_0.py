from enum import StrEnum


class TriggerPatchCatchupType0(StrEnum):
    SKIP = "skip"
    LATEST = "latest"

    def __str__(self) -> str:
        return str(self.value)
