from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.azure_pipeline_run_datapathassignments import AzurePipelineRunDatapathassignments
    from ..models.azure_pipeline_run_parameterassignments import AzurePipelineRunParameterassignments
    from ..models.azure_pipeline_run_tags_type_0 import AzurePipelineRunTagsType0
    from ..models.azure_run_status import AzureRunStatus


T = TypeVar("T", bound="AzurePipelineRun")


@_attrs_define
class AzurePipelineRun:
    """A run as Azure ML answers a pipeline run (the fields Azure callers read).

    Attributes:
        created_time (datetime.datetime):
        data_path_assignments (AzurePipelineRunDatapathassignments): The data paths the run used
        description (None | str):
        end_time (datetime.datetime | None):
        experiment_name (None | str):
        id (str): Our run id: GET /runs/{Id} shows the run in full
        parameter_assignments (AzurePipelineRunParameterassignments): Every value the run used but data paths
        parent_run_id (None | str):
        pipeline_endpoint_id (None | str): Our endpoint id (null: a draft's run)
        pipeline_id (None | str): The published_pipeline_id of the version run (null: a draft's run)
        pipeline_version (None | str): Our version number, as a string
        run_source (None | str):
        start_time (datetime.datetime | None):
        status (AzureRunStatus):
        tags (AzurePipelineRunTagsType0 | None):
    """

    created_time: datetime.datetime
    data_path_assignments: AzurePipelineRunDatapathassignments
    description: None | str
    end_time: datetime.datetime | None
    experiment_name: None | str
    id: str
    parameter_assignments: AzurePipelineRunParameterassignments
    parent_run_id: None | str
    pipeline_endpoint_id: None | str
    pipeline_id: None | str
    pipeline_version: None | str
    run_source: None | str
    start_time: datetime.datetime | None
    status: AzureRunStatus
    tags: AzurePipelineRunTagsType0 | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.azure_pipeline_run_tags_type_0 import AzurePipelineRunTagsType0  # noqa: PLC0415

        created_time = self.created_time.isoformat()

        data_path_assignments = self.data_path_assignments.to_dict()

        description: None | str
        description = self.description

        end_time: None | str
        if isinstance(self.end_time, datetime.datetime):
            end_time = self.end_time.isoformat()
        else:
            end_time = self.end_time

        experiment_name: None | str
        experiment_name = self.experiment_name

        id = self.id

        parameter_assignments = self.parameter_assignments.to_dict()

        parent_run_id: None | str
        parent_run_id = self.parent_run_id

        pipeline_endpoint_id: None | str
        pipeline_endpoint_id = self.pipeline_endpoint_id

        pipeline_id: None | str
        pipeline_id = self.pipeline_id

        pipeline_version: None | str
        pipeline_version = self.pipeline_version

        run_source: None | str
        run_source = self.run_source

        start_time: None | str
        if isinstance(self.start_time, datetime.datetime):
            start_time = self.start_time.isoformat()
        else:
            start_time = self.start_time

        status = self.status.to_dict()

        tags: dict[str, Any] | None
        if isinstance(self.tags, AzurePipelineRunTagsType0):
            tags = self.tags.to_dict()
        else:
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "CreatedTime": created_time,
                "DataPathAssignments": data_path_assignments,
                "Description": description,
                "EndTime": end_time,
                "ExperimentName": experiment_name,
                "Id": id,
                "ParameterAssignments": parameter_assignments,
                "ParentRunId": parent_run_id,
                "PipelineEndpointId": pipeline_endpoint_id,
                "PipelineId": pipeline_id,
                "PipelineVersion": pipeline_version,
                "RunSource": run_source,
                "StartTime": start_time,
                "Status": status,
                "Tags": tags,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.azure_pipeline_run_datapathassignments import AzurePipelineRunDatapathassignments  # noqa: PLC0415
        from ..models.azure_pipeline_run_parameterassignments import AzurePipelineRunParameterassignments  # noqa: PLC0415
        from ..models.azure_pipeline_run_tags_type_0 import AzurePipelineRunTagsType0  # noqa: PLC0415
        from ..models.azure_run_status import AzureRunStatus  # noqa: PLC0415

        d = dict(src_dict)
        created_time = datetime.datetime.fromisoformat(d.pop("CreatedTime"))

        data_path_assignments = AzurePipelineRunDatapathassignments.from_dict(d.pop("DataPathAssignments"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("Description"))

        def _parse_end_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_time_type_0 = datetime.datetime.fromisoformat(data)

                return end_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        end_time = _parse_end_time(d.pop("EndTime"))

        def _parse_experiment_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        experiment_name = _parse_experiment_name(d.pop("ExperimentName"))

        id = d.pop("Id")

        parameter_assignments = AzurePipelineRunParameterassignments.from_dict(d.pop("ParameterAssignments"))

        def _parse_parent_run_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        parent_run_id = _parse_parent_run_id(d.pop("ParentRunId"))

        def _parse_pipeline_endpoint_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_endpoint_id = _parse_pipeline_endpoint_id(d.pop("PipelineEndpointId"))

        def _parse_pipeline_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_id = _parse_pipeline_id(d.pop("PipelineId"))

        def _parse_pipeline_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_version = _parse_pipeline_version(d.pop("PipelineVersion"))

        def _parse_run_source(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_source = _parse_run_source(d.pop("RunSource"))

        def _parse_start_time(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_time_type_0 = datetime.datetime.fromisoformat(data)

                return start_time_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        start_time = _parse_start_time(d.pop("StartTime"))

        status = AzureRunStatus.from_dict(d.pop("Status"))

        def _parse_tags(data: object) -> AzurePipelineRunTagsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tags_type_0 = AzurePipelineRunTagsType0.from_dict(data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AzurePipelineRunTagsType0 | None, data)

        tags = _parse_tags(d.pop("Tags"))

        azure_pipeline_run = cls(
            created_time=created_time,
            data_path_assignments=data_path_assignments,
            description=description,
            end_time=end_time,
            experiment_name=experiment_name,
            id=id,
            parameter_assignments=parameter_assignments,
            parent_run_id=parent_run_id,
            pipeline_endpoint_id=pipeline_endpoint_id,
            pipeline_id=pipeline_id,
            pipeline_version=pipeline_version,
            run_source=run_source,
            start_time=start_time,
            status=status,
            tags=tags,
        )

        azure_pipeline_run.additional_properties = d
        return azure_pipeline_run

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
