from enum import StrEnum


class InputColumnKind(StrEnum):
    NUMBER = "number"
    CATEGORY = "category"
    ANY = "any"

    def __str__(self) -> str:
        return str(self.value)
