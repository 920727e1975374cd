"""Azure ML v1 published-pipeline bodies: requests as Azure callers send them (keys
matched without regard to case) and runs as Azure answers them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.runs.schemas import Experiment

AzureStatus = Literal["NotStarted", "Running", "Finished", "Failed", "Canceled"]

DATASETS_REFUSED = (
    "Azure datasets are not available here; name the data by its datastore and path instead: "
    'DataPathAssignments {"<parameter>": {"DataStoreName": "default", "RelativePath": "folder/file.csv"}}, '
    'or a "datastore://<datastore>/<path>" value in ParameterAssignments')


class _AzureKeys(BaseModel):
    """Azure's services read their JSON keys without regard to case, and so do we: each
    key is renamed to the field it names before validation; unknown keys stay and are
    refused (422) by extra="forbid"."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _canonical_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        names = {name.lower(): name for name in cls.model_fields}
        out: dict[Any, Any] = {}
        for key, value in data.items():
            name = names.get(key.lower(), key) if isinstance(key, str) else key
            if name in out:
                raise PydanticCustomError(
                    "duplicate_key", "'{key}' repeats '{name}' (keys are matched without regard to case); "
                                     "send it once", {"key": key, "name": name})
            out[name] = value
        return out


class AzureDataPath(_AzureKeys):
    """A file in one of the workspace's datastores: datastore://DataStoreName/RelativePath."""

    DataStoreName: str = Field(min_length=1, max_length=100, description="The datastore's name, e.g. `default`")
    RelativePath: str = Field(min_length=1, max_length=1024, description="The file's path in the datastore")


TagKey = Annotated[str, Field(min_length=1, max_length=255)]
TagValue = Annotated[str, Field(max_length=1000)]


class AzureSubmitRequest(_AzureKeys):
    """The body of a published pipeline's or pipeline endpoint's submit, as Azure ML's
    SDK, REST examples and Logic Apps send it. Every key is optional."""

    ExperimentName: Experiment = Field(default=None, description="Our `experiment`")
    ParameterAssignments: dict[str, Any] = Field(
        default_factory=dict, description="Our `parameters`; a string value is converted to its parameter's type "
                                          "(\"20\" for an integer, \"true\" for a boolean), as Azure does")
    DataPathAssignments: dict[str, AzureDataPath] = Field(
        default_factory=dict, description="Values of data_path parameters: "
                                          "{\"DataStoreName\": \"d\", \"RelativePath\": \"p\"} is datastore://d/p")
    DataSetDefinitionValueAssignments: dict[str, Any] | None = Field(
        default=None, description="Azure datasets: refused (422) unless empty; name the data with "
                                  "DataPathAssignments instead")
    Description: str | None = Field(default=None, max_length=5000, description="Kept on the run")
    Tags: dict[TagKey, TagValue] | None = Field(default=None, max_length=50, description="Kept on the run")
    RunSource: str | None = Field(default=None, max_length=100, description="Kept on the run (e.g. `SDK`)")
    ParentRunId: str | None = Field(default=None, max_length=255, description="Kept on the run, as given")
    continueOnStepFailure: bool | None = Field(
        default=None, description="Accepted and ignored: a run stops at its first failed step")
    PipelineVersion: str | int | None = Field(
        default=None, description="PipelineEndpointSubmit only: our version number (1, 2, ...; Azure counts "
                                  "from 0); defaults to the endpoint's default version")

    @field_validator("DataSetDefinitionValueAssignments")
    @classmethod
    def _no_datasets(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value:
            raise PydanticCustomError("azure_dataset", DATASETS_REFUSED)
        return value


class AzureRunStatus(BaseModel):
    StatusCode: AzureStatus
    StatusDetail: str | None = Field(description="Why it failed (the step and the cause), or null")
    CreationTime: datetime
    EndTime: datetime | None


class AzurePipelineRun(BaseModel):
    """A run as Azure ML answers a pipeline run (the fields Azure callers read)."""

    Id: str = Field(description="Our run id: GET /runs/{Id} shows the run in full")
    Status: AzureRunStatus
    ExperimentName: str | None
    ParameterAssignments: dict[str, Any] = Field(description="Every value the run used but data paths")
    DataPathAssignments: dict[str, AzureDataPath] = Field(description="The data paths the run used")
    RunSource: str | None
    Description: str | None
    Tags: dict[str, str] | None
    ParentRunId: str | None
    PipelineId: str | None = Field(description="The published_pipeline_id of the version run (null: a draft's run)")
    PipelineEndpointId: str | None = Field(description="Our endpoint id (null: a draft's run)")
    PipelineVersion: str | None = Field(description="Our version number, as a string")
    CreatedTime: datetime
    StartTime: datetime | None
    EndTime: datetime | None
