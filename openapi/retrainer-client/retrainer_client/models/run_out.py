from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_ref import ModelRef
    from ..models.run_deployment_effect import RunDeploymentEffect
    from ..models.run_error import RunError
    from ..models.run_out_metrics_type_0 import RunOutMetricsType0
    from ..models.run_out_parameters import RunOutParameters
    from ..models.run_out_tags_type_0 import RunOutTagsType0
    from ..models.step_out import StepOut


T = TypeVar("T", bound="RunOut")


@_attrs_define
class RunOut:
    """
    Attributes:
        attempt (int): How many times a worker took the run (more than 1: a worker was lost)
        created_at (datetime.datetime):
        endpoint_id (None | str):
        endpoint_version (int | None):
        error (None | RunError):
        experiment (None | str):
        finished_at (datetime.datetime | None):
        id (str):
        metrics (None | RunOutMetricsType0):
        model (ModelRef | None):
        parameters (RunOutParameters):
        pipeline_digest (str):
        pipeline_id (None | str):
        regenerate (bool):
        started_at (datetime.datetime | None):
        status (str):
        steps (list[StepOut]):
        deployments (list[RunDeploymentEffect] | None | Unset): What the run did to the deployments that follow the
            model it registered: promoted or held; null for a caller without deployments:read
        description (None | str | Unset): What its submitter said about it
        parent_run_id (None | str | Unset): The run its submitter says started it (an Azure ML caller's ParentRunId), as
            given
        run_source (None | str | Unset): Where its submitter says it comes from (an Azure ML caller's RunSource, e.g.
            SDK)
        tags (None | RunOutTagsType0 | Unset): Its submitter's labels
    """

    attempt: int
    created_at: datetime.datetime
    endpoint_id: None | str
    endpoint_version: int | None
    error: None | RunError
    experiment: None | str
    finished_at: datetime.datetime | None
    id: str
    metrics: None | RunOutMetricsType0
    model: ModelRef | None
    parameters: RunOutParameters
    pipeline_digest: str
    pipeline_id: None | str
    regenerate: bool
    started_at: datetime.datetime | None
    status: str
    steps: list[StepOut]
    deployments: list[RunDeploymentEffect] | None | Unset = UNSET
    description: None | str | Unset = UNSET
    parent_run_id: None | str | Unset = UNSET
    run_source: None | str | Unset = UNSET
    tags: None | RunOutTagsType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_ref import ModelRef  # noqa: PLC0415
        from ..models.run_error import RunError  # noqa: PLC0415
        from ..models.run_out_metrics_type_0 import RunOutMetricsType0  # noqa: PLC0415
        from ..models.run_out_tags_type_0 import RunOutTagsType0  # noqa: PLC0415

        attempt = self.attempt

        created_at = self.created_at.isoformat()

        endpoint_id: None | str
        endpoint_id = self.endpoint_id

        endpoint_version: int | None
        endpoint_version = self.endpoint_version

        error: dict[str, Any] | None
        if isinstance(self.error, RunError):
            error = self.error.to_dict()
        else:
            error = self.error

        experiment: None | str
        experiment = self.experiment

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = self.id

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, RunOutMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        model: dict[str, Any] | None
        if isinstance(self.model, ModelRef):
            model = self.model.to_dict()
        else:
            model = self.model

        parameters = self.parameters.to_dict()

        pipeline_digest = self.pipeline_digest

        pipeline_id: None | str
        pipeline_id = self.pipeline_id

        regenerate = self.regenerate

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        deployments: list[dict[str, Any]] | None | Unset
        if isinstance(self.deployments, Unset):
            deployments = UNSET
        elif isinstance(self.deployments, list):
            deployments = []
            for deployments_type_0_item_data in self.deployments:
                deployments_type_0_item = deployments_type_0_item_data.to_dict()
                deployments.append(deployments_type_0_item)

        else:
            deployments = self.deployments

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        parent_run_id: None | str | Unset
        if isinstance(self.parent_run_id, Unset):
            parent_run_id = UNSET
        else:
            parent_run_id = self.parent_run_id

        run_source: None | str | Unset
        if isinstance(self.run_source, Unset):
            run_source = UNSET
        else:
            run_source = self.run_source

        tags: dict[str, Any] | None | Unset
        if isinstance(self.tags, Unset):
            tags = UNSET
        elif isinstance(self.tags, RunOutTagsType0):
            tags = self.tags.to_dict()
        else:
            tags = self.tags

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempt": attempt,
                "created_at": created_at,
                "endpoint_id": endpoint_id,
                "endpoint_version": endpoint_version,
                "error": error,
                "experiment": experiment,
                "finished_at": finished_at,
                "id": id,
                "metrics": metrics,
                "model": model,
                "parameters": parameters,
                "pipeline_digest": pipeline_digest,
                "pipeline_id": pipeline_id,
                "regenerate": regenerate,
                "started_at": started_at,
                "status": status,
                "steps": steps,
            }
        )
        if deployments is not UNSET:
            field_dict["deployments"] = deployments
        if description is not UNSET:
            field_dict["description"] = description
        if parent_run_id is not UNSET:
            field_dict["parent_run_id"] = parent_run_id
        if run_source is not UNSET:
            field_dict["run_source"] = run_source
        if tags is not UNSET:
            field_dict["tags"] = tags

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_ref import ModelRef  # noqa: PLC0415
        from ..models.run_deployment_effect import RunDeploymentEffect  # noqa: PLC0415
        from ..models.run_error import RunError  # noqa: PLC0415
        from ..models.run_out_metrics_type_0 import RunOutMetricsType0  # noqa: PLC0415
        from ..models.run_out_parameters import RunOutParameters  # noqa: PLC0415
        from ..models.run_out_tags_type_0 import RunOutTagsType0  # noqa: PLC0415
        from ..models.step_out import StepOut  # noqa: PLC0415

        d = dict(src_dict)
        attempt = d.pop("attempt")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_endpoint_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        endpoint_id = _parse_endpoint_id(d.pop("endpoint_id"))

        def _parse_endpoint_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        endpoint_version = _parse_endpoint_version(d.pop("endpoint_version"))

        def _parse_error(data: object) -> None | RunError:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = RunError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunError, data)

        error = _parse_error(d.pop("error"))

        def _parse_experiment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        experiment = _parse_experiment(d.pop("experiment"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = d.pop("id")

        def _parse_metrics(data: object) -> None | RunOutMetricsType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = RunOutMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunOutMetricsType0, data)

        metrics = _parse_metrics(d.pop("metrics"))

        def _parse_model(data: object) -> ModelRef | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_0 = ModelRef.from_dict(data)

                return model_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelRef | None, data)

        model = _parse_model(d.pop("model"))

        parameters = RunOutParameters.from_dict(d.pop("parameters"))

        pipeline_digest = d.pop("pipeline_digest")

        def _parse_pipeline_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_id = _parse_pipeline_id(d.pop("pipeline_id"))

        regenerate = d.pop("regenerate")

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        status = d.pop("status")

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = StepOut.from_dict(steps_item_data)

            steps.append(steps_item)

        def _parse_deployments(data: object) -> list[RunDeploymentEffect] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                deployments_type_0 = []
                _deployments_type_0 = data
                for deployments_type_0_item_data in _deployments_type_0:
                    deployments_type_0_item = RunDeploymentEffect.from_dict(deployments_type_0_item_data)

                    deployments_type_0.append(deployments_type_0_item)

                return deployments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RunDeploymentEffect] | None | Unset, data)

        deployments = _parse_deployments(d.pop("deployments", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_parent_run_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parent_run_id = _parse_parent_run_id(d.pop("parent_run_id", UNSET))

        def _parse_run_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        run_source = _parse_run_source(d.pop("run_source", UNSET))

        def _parse_tags(data: object) -> None | RunOutTagsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tags_type_0 = RunOutTagsType0.from_dict(data)

                return tags_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunOutTagsType0 | Unset, data)

        tags = _parse_tags(d.pop("tags", UNSET))

        run_out = cls(
            attempt=attempt,
            created_at=created_at,
            endpoint_id=endpoint_id,
            endpoint_version=endpoint_version,
            error=error,
            experiment=experiment,
            finished_at=finished_at,
            id=id,
            metrics=metrics,
            model=model,
            parameters=parameters,
            pipeline_digest=pipeline_digest,
            pipeline_id=pipeline_id,
            regenerate=regenerate,
            started_at=started_at,
            status=status,
            steps=steps,
            deployments=deployments,
            description=description,
            parent_run_id=parent_run_id,
            run_source=run_source,
            tags=tags,
        )

        run_out.additional_properties = d
        return run_out

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
