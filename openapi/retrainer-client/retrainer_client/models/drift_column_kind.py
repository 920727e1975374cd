from enum import StrEnum


class DriftColumnKind(StrEnum):
    NUMBER = "number"
    CATEGORY = "category"

    def __str__(self) -> str:
        return str(self.value)
