from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.step_out_metrics_type_0 import StepOutMetricsType0


T = TypeVar("T", bound="StepOut")


@_attrs_define
class StepOut:
    """
    Attributes:
        component (str):
        component_version (str):
        error (None | str):
        finished_at (datetime.datetime | None):
        metrics (None | StepOutMetricsType0):
        name (str):
        reused_from (None | str):
        started_at (datetime.datetime | None):
        status (str):
    """

    component: str
    component_version: str
    error: None | str
    finished_at: datetime.datetime | None
    metrics: None | StepOutMetricsType0
    name: str
    reused_from: None | str
    started_at: datetime.datetime | None
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.step_out_metrics_type_0 import StepOutMetricsType0  # noqa: PLC0415

        component = self.component

        component_version = self.component_version

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, StepOutMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        name = self.name

        reused_from: None | str
        reused_from = self.reused_from

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "component": component,
                "component_version": component_version,
                "error": error,
                "finished_at": finished_at,
                "metrics": metrics,
                "name": name,
                "reused_from": reused_from,
                "started_at": started_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.step_out_metrics_type_0 import StepOutMetricsType0  # noqa: PLC0415

        d = dict(src_dict)
        component = d.pop("component")

        component_version = d.pop("component_version")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

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

        def _parse_metrics(data: object) -> None | StepOutMetricsType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = StepOutMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StepOutMetricsType0, data)

        metrics = _parse_metrics(d.pop("metrics"))

        name = d.pop("name")

        def _parse_reused_from(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reused_from = _parse_reused_from(d.pop("reused_from"))

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

        step_out = cls(
            component=component,
            component_version=component_version,
            error=error,
            finished_at=finished_at,
            metrics=metrics,
            name=name,
            reused_from=reused_from,
            started_at=started_at,
            status=status,
        )

        step_out.additional_properties = d
        return step_out

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
