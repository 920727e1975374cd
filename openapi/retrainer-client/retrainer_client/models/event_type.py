from enum import StrEnum


class EventType(StrEnum):
    DEPLOYMENT_HELD = "deployment.held"
    DEPLOYMENT_PROMOTED = "deployment.promoted"
    RUN_CANCELED = "run.canceled"
    RUN_FAILED = "run.failed"
    RUN_STARTED = "run.started"
    RUN_SUCCEEDED = "run.succeeded"
    TRIGGER_SKIPPED = "trigger.skipped"

    def __str__(self) -> str:
        return str(self.value)
