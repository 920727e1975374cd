from enum import StrEnum


class DriftColumnKind(StrEnum):
    CATEGORY = "category"
    NUMBER = "number"

    def __str__(self) -> str:
        return str(self.value)
