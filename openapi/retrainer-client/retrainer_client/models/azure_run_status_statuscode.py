from enum import StrEnum


class AzureRunStatusStatuscode(StrEnum):
    NOTSTARTED = "NotStarted"
    RUNNING = "Running"
    FINISHED = "Finished"
    FAILED = "Failed"
    CANCELED = "Canceled"

    def __str__(self) -> str:
        return str(self.value)
