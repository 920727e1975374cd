from enum import StrEnum


class EventType(StrEnum):
    RUN_STARTED = "run.started"
    RUN_SUCCEEDED = "run.succeeded"
    RUN_FAILED = "run.failed"
    RUN_CANCELED = "run.canceled"
    DEPLOYMENT_PROMOTED = "deployment.promoted"
    DEPLOYMENT_HELD = "deployment.held"
    TRIGGER_SKIPPED = "trigger.skipped"
    DEPLOYMENT_DRIFT_DETECTED = "deployment.drift_detected"

    def __str__(self) -> str:
        return str(self.value)
