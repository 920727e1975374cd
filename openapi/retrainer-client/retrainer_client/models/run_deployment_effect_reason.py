from enum import StrEnum


class RunDeploymentEffectReason(StrEnum):
    HELD = "held"
    PROMOTED = "promoted"

    def __str__(self) -> str:
        return str(self.value)
