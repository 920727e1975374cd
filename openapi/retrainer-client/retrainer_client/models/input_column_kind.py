from enum import StrEnum


class InputColumnKind(StrEnum):
    ANY = "any"
    CATEGORY = "category"
    NUMBER = "number"

    def __str__(self) -> str:
        return str(self.value)
