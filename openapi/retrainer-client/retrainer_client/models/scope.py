from enum import StrEnum


class Scope(StrEnum):
    ADMIN = "admin"
    DATAREAD = "data:read"
    DATAWRITE = "data:write"
    DEPLOYMENTSREAD = "deployments:read"
    DEPLOYMENTSWRITE = "deployments:write"
    ENDPOINTSREAD = "endpoints:read"
    ENDPOINTSWRITE = "endpoints:write"
    MODELSREAD = "models:read"
    PIPELINESREAD = "pipelines:read"
    PIPELINESWRITE = "pipelines:write"
    PREDICT = "predict"
    RUNSREAD = "runs:read"
    RUNSWRITE = "runs:write"
    TRIGGERSREAD = "triggers:read"
    TRIGGERSWRITE = "triggers:write"

    def __str__(self) -> str:
        return str(self.value)
