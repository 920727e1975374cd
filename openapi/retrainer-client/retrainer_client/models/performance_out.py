from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.performance_out_metrics import PerformanceOutMetrics


T = TypeVar("T", bound="PerformanceOut")


@_attrs_define
class PerformanceOut:
    """
    Attributes:
        metrics (PerformanceOutMetrics): Per serving version (its number as the key)
        rows (int): Labelled predictions in the window
        since (datetime.datetime):
        until (datetime.datetime):
    """

    metrics: PerformanceOutMetrics
    rows: int
    since: datetime.datetime
    until: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metrics = self.metrics.to_dict()

        rows = self.rows

        since = self.since.isoformat()

        until = self.until.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metrics": metrics,
                "rows": rows,
                "since": since,
                "until": until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.performance_out_metrics import PerformanceOutMetrics  # noqa: PLC0415

        d = dict(src_dict)
        metrics = PerformanceOutMetrics.from_dict(d.pop("metrics"))

        rows = d.pop("rows")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        until = datetime.datetime.fromisoformat(d.pop("until"))

        performance_out = cls(
            metrics=metrics,
            rows=rows,
            since=since,
            until=until,
        )

        performance_out.additional_properties = d
        return performance_out

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
