from enum import StrEnum


class FiringOutOutcome(StrEnum):
    SKIPPED = "skipped"
    SUBMITTED = "submitted"
    WAITING = "waiting"

    def __str__(self) -> str:
        return str(self.value)
