from enum import StrEnum


class AzureRunStatusStatuscode(StrEnum):
    CANCELED = "Canceled"
    FAILED = "Failed"
    FINISHED = "Finished"
    NOTSTARTED = "NotStarted"
    RUNNING = "Running"

    def __str__(self) -> str:
        return str(self.value)
