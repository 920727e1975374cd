from enum import StrEnum


class DriftColumnMetric(StrEnum):
    PSI = "psi"
    JS = "js"

    def __str__(self) -> str:
        return str(self.value)
