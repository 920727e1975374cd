from enum import StrEnum


class TriggerCreateCatchup(StrEnum):
    LATEST = "latest"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
