from enum import StrEnum


class RunDeploymentEffectReason(StrEnum):
    PROMOTED = "promoted"
    HELD = "held"

    def __str__(self) -> str:
        return str(self.value)
