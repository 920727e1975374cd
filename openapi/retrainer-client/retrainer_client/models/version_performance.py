from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VersionPerformance")


@_attrs_define
class VersionPerformance:
    """
    Attributes:
        accuracy (float | None): Classifiers
        metric (str): The gate's metric
        rows (int): Labelled predictions of this version in the window
        value (float | None): The gate's metric (null when it cannot be computed, e.g. one class)
        version (int):
    """

    accuracy: float | None
    metric: str
    rows: int
    value: float | None
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accuracy: float | None
        accuracy = self.accuracy

        metric = self.metric

        rows = self.rows

        value: float | None
        value = self.value

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accuracy": accuracy,
                "metric": metric,
                "rows": rows,
                "value": value,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_accuracy(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        accuracy = _parse_accuracy(d.pop("accuracy"))

        metric = d.pop("metric")

        rows = d.pop("rows")

        def _parse_value(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        value = _parse_value(d.pop("value"))

        version = d.pop("version")

        version_performance = cls(
            accuracy=accuracy,
            metric=metric,
            rows=rows,
            value=value,
            version=version,
        )

        version_performance.additional_properties = d
        return version_performance

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
