from enum import StrEnum


class TriggerCreateCatchup(StrEnum):
    SKIP = "skip"
    LATEST = "latest"

    def __str__(self) -> str:
        return str(self.value)
