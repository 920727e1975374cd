from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.drift_column_kind import DriftColumnKind
from ..models.drift_column_metric import DriftColumnMetric
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.drift_bin import DriftBin


T = TypeVar("T", bound="DriftColumn")


@_attrs_define
class DriftColumn:
    """
    Attributes:
        drifted (bool):
        kind (DriftColumnKind):
        metric (DriftColumnMetric):
        missing_rate (float | None): Of the logged rows
        name (str):
        reference_missing_rate (float | None): Of the training rows
        threshold (float):
        value (float):
        bins (list[DriftBin] | Unset): What the metric compares, bin by bin
    """

    drifted: bool
    kind: DriftColumnKind
    metric: DriftColumnMetric
    missing_rate: float | None
    name: str
    reference_missing_rate: float | None
    threshold: float
    value: float
    bins: list[DriftBin] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        drifted = self.drifted

        kind = self.kind.value

        metric = self.metric.value

        missing_rate: float | None
        missing_rate = self.missing_rate

        name = self.name

        reference_missing_rate: float | None
        reference_missing_rate = self.reference_missing_rate

        threshold = self.threshold

        value = self.value

        bins: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.bins, Unset):
            bins = []
            for bins_item_data in self.bins:
                bins_item = bins_item_data.to_dict()
                bins.append(bins_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "drifted": drifted,
                "kind": kind,
                "metric": metric,
                "missing_rate": missing_rate,
                "name": name,
                "reference_missing_rate": reference_missing_rate,
                "threshold": threshold,
                "value": value,
            }
        )
        if bins is not UNSET:
            field_dict["bins"] = bins

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.drift_bin import DriftBin  # noqa: PLC0415

        d = dict(src_dict)
        drifted = d.pop("drifted")

        kind = DriftColumnKind(d.pop("kind"))

        metric = DriftColumnMetric(d.pop("metric"))

        def _parse_missing_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        missing_rate = _parse_missing_rate(d.pop("missing_rate"))

        name = d.pop("name")

        def _parse_reference_missing_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        reference_missing_rate = _parse_reference_missing_rate(d.pop("reference_missing_rate"))

        threshold = d.pop("threshold")

        value = d.pop("value")

        _bins = d.pop("bins", UNSET)
        bins: list[DriftBin] | Unset = UNSET
        if _bins is not UNSET:
            bins = []
            for bins_item_data in _bins:
                bins_item = DriftBin.from_dict(bins_item_data)

                bins.append(bins_item)

        drift_column = cls(
            drifted=drifted,
            kind=kind,
            metric=metric,
            missing_rate=missing_rate,
            name=name,
            reference_missing_rate=reference_missing_rate,
            threshold=threshold,
            value=value,
            bins=bins,
        )

        drift_column.additional_properties = d
        return drift_column

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
