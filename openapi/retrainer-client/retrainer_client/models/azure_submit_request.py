from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.azure_submit_request_data_set_definition_value_assignments_type_0 import (
        AzureSubmitRequestDataSetDefinitionValueAssignmentsType0,
    )
    from ..models.azure_submit_request_datapathassignments import AzureSubmitRequestDatapathassignments
    from ..models.azure_submit_request_parameterassignments import AzureSubmitRequestParameterassignments
    from ..models.azure_submit_request_tags_type_0 import AzureSubmitRequestTagsType0


T = TypeVar("T", bound="AzureSubmitRequest")


@_attrs_define
class AzureSubmitRequest:
    """The body of a published pipeline's or pipeline endpoint's submit, as Azure ML's
    SDK, REST examples and Logic Apps send it. Every key is optional.

        Attributes:
            data_path_assignments (AzureSubmitRequestDatapathassignments | Unset): Values of data_path parameters:
                {"DataStoreName": "d", "RelativePath": "p"} is datastore://d/p
            data_set_definition_value_assignments (AzureSubmitRequestDataSetDefinitionValueAssignmentsType0 | None | Unset):
                Azure datasets: refused (422) unless empty; name the data with DataPathAssignments instead
            description (None | str | Unset): Kept on the run
            experiment_name (None | str | Unset): Our `experiment`
            parameter_assignments (AzureSubmitRequestParameterassignments | Unset): Our `parameters`; a string value is
                converted to its parameter's type ("20" for an integer, "true" for a boolean), as Azure does
            parent_run_id (None | str | Unset): Kept on the run, as given
            pipeline_version (int | None | str | Unset): PipelineEndpointSubmit only: our version number (1, 2, ...; Azure
                counts from 0); defaults to the endpoint's default version
            run_source (None | str | Unset): Kept on the run (e.g. `SDK`)
            tags (AzureSubmitRequestTagsType0 | None | Unset): Kept on the run
            continue_on_step_failure (bool | None | Unset): Accepted and ignored: a run stops at its first failed step
    """

    data_path_assignments: AzureSubmitRequestDatapathassignments | Unset = UNSET
    data_set_definition_value_assignments: AzureSubmitRequestDataSetDefinitionValueAssignmentsType0 | None | Unset = (
        UNSET
    )
    description: None | str | Unset = UNSET
    experiment_name: None | str | Unset = UNSET
    parameter_assignments: AzureSubmitRequestParameterassignments | Unset = UNSET
    parent_run_id: None | str | Unset = UNSET
    pipeline_version: int | None | str | Unset = UNSET
    run_source: None | str | Unset = UNSET
    tags: AzureSubmitRequestTagsType0 | None | Unset = UNSET
    continue_on_step_failure: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.azure_submit_request_data_set_definition_value_assignments_type_0 import (
            AzureSubmitRequestDataSetDefinitionValueAssignmentsType0,  # noqa: PLC0415
        )
        from ..models.azure_submit_request_tags_type_0 import AzureSubmitRequestTagsType0  # noqa: PLC0415

        data_path_assignments: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data_path_assignments, Unset):
            data_path_assignments = self.data_path_assignments.to_dict()

        data_set_definition_value_assignments: dict[str, Any] | None | Unset
        if isinstance(self.data_set_definition_value_assignments, Unset):
            data_set_definition_value_assignments = UNSET
        elif isinstance(
            self.data_set_definition_value_assignments, AzureSubmitRequestDataSetDefinitionValueAssignmentsType0
        ):
            data_set_definition_value_assignments = self.data_set_definition_value_assignments.to_dict()
        else:
            data_set_definition_value_assignments = self.data_set_definition_value_assignments

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        experiment_name: None | str | Unset
        if isinstance(self.experiment_name, Unset):
            experiment_name = UNSET
        else:
            experiment_name = self.experiment_name

        parameter_assignments: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameter_assignments, Unset):
            parameter_assignments = self.parameter_assignments.to_dict()

        parent_run_id: None | str | Unset
        if isinstance(self.parent_run_id, Unset):
            parent_run_id = UNSET
        else:
            parent_run_id = self.parent_run_id

        pipeline_version: int | None | str | Unset
        if isinstance(self.pipeline_version, Unset):
            pipeline_version = UNSET
        else:
            pipeline_version = self.pipeline_version

        run_source: None | str | Unset
        if isinstance(self.run_source, Unset):
            run_source = UNSET
        else:
            run_source = self.run_source

        tags: dict[str, Any] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, AzureSubmitRequestTagsType0):
            tags = self.tags.to_dict()
        else:
            tags = self.tags

        continue_on_step_failure: bool | None | Unset
        if isinstance(self.continue_on_step_failure, Unset):
            continue_on_step_failure = UNSET
        else:
            continue_on_step_failure = self.continue_on_step_failure

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if data_path_assignments is not UNSET:
            field_dict["DataPathAssignments"] = data_path_assignments
        if data_set_definition_value_assignments is not UNSET:
            field_dict["DataSetDefinitionValueAssignments"] = data_set_definition_value_assignments
        if description is not UNSET:
            field_dict["Description"] = description
        if experiment_name is not UNSET:
            field_dict["ExperimentName"] = experiment_name
        if parameter_assignments is not UNSET:
            field_dict["ParameterAssignments"] = parameter_assignments
        if parent_run_id is not UNSET:
            field_dict["ParentRunId"] = parent_run_id
        if pipeline_version is not UNSET:
            field_dict["PipelineVersion"] = pipeline_version
        if run_source is not UNSET:
            field_dict["RunSource"] = run_source
        if tags is not UNSET:
            field_dict["Tags"] = tags
        if continue_on_step_failure is not UNSET:
            field_dict["continueOnStepFailure"] = continue_on_step_failure

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.azure_submit_request_data_set_definition_value_assignments_type_0 import (
            AzureSubmitRequestDataSetDefinitionValueAssignmentsType0,  # noqa: PLC0415
        )
        from ..models.azure_submit_request_datapathassignments import AzureSubmitRequestDatapathassignments  # noqa: PLC0415
        from ..models.azure_submit_request_parameterassignments import AzureSubmitRequestParameterassignments  # noqa: PLC0415
        from ..models.azure_submit_request_tags_type_0 import AzureSubmitRequestTagsType0  # noqa: PLC0415

        d = dict(src_dict)
        _data_path_assignments = d.pop("DataPathAssignments", UNSET)
        data_path_assignments: AzureSubmitRequestDatapathassignments | Unset
        if isinstance(_data_path_assignments, Unset):
            data_path_assignments = UNSET
        else:
            data_path_assignments = AzureSubmitRequestDatapathassignments.from_dict(_data_path_assignments)

        def _parse_data_set_definition_value_assignments(
            data: object,
        ) -> AzureSubmitRequestDataSetDefinitionValueAssignmentsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_set_definition_value_assignments_type_0 = (
                    AzureSubmitRequestDataSetDefinitionValueAssignmentsType0.from_dict(data)
                )

                return data_set_definition_value_assignments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AzureSubmitRequestDataSetDefinitionValueAssignmentsType0 | None | Unset, data)

        data_set_definition_value_assignments = _parse_data_set_definition_value_assignments(
            d.pop("DataSetDefinitionValueAssignments", UNSET)
        )

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("Description", UNSET))

        def _parse_experiment_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        experiment_name = _parse_experiment_name(d.pop("ExperimentName", UNSET))

        _parameter_assignments = d.pop("ParameterAssignments", UNSET)
        parameter_assignments: AzureSubmitRequestParameterassignments | Unset
        if isinstance(_parameter_assignments, Unset):
            parameter_assignments = UNSET
        else:
            parameter_assignments = AzureSubmitRequestParameterassignments.from_dict(_parameter_assignments)

        def _parse_parent_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_run_id = _parse_parent_run_id(d.pop("ParentRunId", UNSET))

        def _parse_pipeline_version(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        pipeline_version = _parse_pipeline_version(d.pop("PipelineVersion", UNSET))

        def _parse_run_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_source = _parse_run_source(d.pop("RunSource", UNSET))

        def _parse_tags(data: object) -> AzureSubmitRequestTagsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tags_type_0 = AzureSubmitRequestTagsType0.from_dict(data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AzureSubmitRequestTagsType0 | None | Unset, data)

        tags = _parse_tags(d.pop("Tags", UNSET))

        def _parse_continue_on_step_failure(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        continue_on_step_failure = _parse_continue_on_step_failure(d.pop("continueOnStepFailure", UNSET))

        azure_submit_request = cls(
            data_path_assignments=data_path_assignments,
            data_set_definition_value_assignments=data_set_definition_value_assignments,
            description=description,
            experiment_name=experiment_name,
            parameter_assignments=parameter_assignments,
            parent_run_id=parent_run_id,
            pipeline_version=pipeline_version,
            run_source=run_source,
            tags=tags,
            continue_on_step_failure=continue_on_step_failure,
        )

        return azure_submit_request
