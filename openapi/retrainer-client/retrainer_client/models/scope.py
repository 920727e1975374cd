from enum import StrEnum


class Scope(StrEnum):
    PIPELINESREAD = "pipelines:read"
    PIPELINESWRITE = "pipelines:write"
    ENDPOINTSREAD = "endpoints:read"
    ENDPOINTSWRITE = "endpoints:write"
    RUNSREAD = "runs:read"
    RUNSWRITE = "runs:write"
    MODELSREAD = "models:read"
    DATAREAD = "data:read"
    DATAWRITE = "data:write"
    DEPLOYMENTSREAD = "deployments:read"
    DEPLOYMENTSWRITE = "deployments:write"
    PREDICT = "predict"
    WEBHOOKSREAD = "webhooks:read"
    WEBHOOKSWRITE = "webhooks:write"
    ADMIN = "admin"

    def __str__(self) -> str:
        return str(self.value)
