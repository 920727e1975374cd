from enum import StrEnum


class DriftColumnMetric(StrEnum):
    JS = "js"
    PSI = "psi"

    def __str__(self) -> str:
        return str(self.value)
