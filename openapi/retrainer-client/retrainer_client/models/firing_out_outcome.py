from enum import StrEnum


class FiringOutOutcome(StrEnum):
    SUBMITTED = "submitted"
    SKIPPED = "skipped"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
