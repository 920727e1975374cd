from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.column_summary_kind import ColumnSummaryKind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bin_ import Bin
    from ..models.value_count import ValueCount


T = TypeVar("T", bound="ColumnSummary")


@_attrs_define
class ColumnSummary:
    """
    Attributes:
        distinct (int): Distinct values among the rows read
        dtype (str): The column's type as read (pandas dtype)
        kind (ColumnSummaryKind):
        missing (int): Missing values among the rows read
        name (str):
        histogram (list[Bin] | None | Unset): Numbers: counts in equal-width bins
        max_ (float | None | Unset):
        mean (float | None | Unset):
        min_ (float | None | Unset):
        others (int | None | Unset): Non-missing values not among `top`
        top (list[ValueCount] | None | Unset): Other kinds: the most frequent values
    """

    distinct: int
    dtype: str
    kind: ColumnSummaryKind
    missing: int
    name: str
    histogram: list[Bin] | None | Unset = UNSET
    max_: float | None | Unset = UNSET
    mean: float | None | Unset = UNSET
    min_: float | None | Unset = UNSET
    others: int | None | Unset = UNSET
    top: list[ValueCount] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        distinct = self.distinct

        dtype = self.dtype

        kind = self.kind.value

        missing = self.missing

        name = self.name

        histogram: list[dict[str, Any]] | None | Unset
        if isinstance(self.histogram, Unset):
            histogram = UNSET
        elif isinstance(self.histogram, list):
            histogram = []
            for histogram_type_0_item_data in self.histogram:
                histogram_type_0_item = histogram_type_0_item_data.to_dict()
                histogram.append(histogram_type_0_item)

        else:
            histogram = self.histogram

        max_: float | None | Unset
        if isinstance(self.max_, Unset):
            max_ = UNSET
        else:
            max_ = self.max_

        mean: float | None | Unset
        if isinstance(self.mean, Unset):
            mean = UNSET
        else:
            mean = self.mean

        min_: float | None | Unset
        if isinstance(self.min_, Unset):
            min_ = UNSET
        else:
            min_ = self.min_

        others: int | None | Unset
        if isinstance(self.others, Unset):
            others = UNSET
        else:
            others = self.others

        top: list[dict[str, Any]] | None | Unset
        if isinstance(self.top, Unset):
            top = UNSET
        elif isinstance(self.top, list):
            top = []
            for top_type_0_item_data in self.top:
                top_type_0_item = top_type_0_item_data.to_dict()
                top.append(top_type_0_item)

        else:
            top = self.top

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "distinct": distinct,
                "dtype": dtype,
                "kind": kind,
                "missing": missing,
                "name": name,
            }
        )
        if histogram is not UNSET:
            field_dict["histogram"] = histogram
        if max_ is not UNSET:
            field_dict["max"] = max_
        if mean is not UNSET:
            field_dict["mean"] = mean
        if min_ is not UNSET:
            field_dict["min"] = min_
        if others is not UNSET:
            field_dict["others"] = others
        if top is not UNSET:
            field_dict["top"] = top

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bin_ import Bin  # noqa: PLC0415
        from ..models.value_count import ValueCount  # noqa: PLC0415

        d = dict(src_dict)
        distinct = d.pop("distinct")

        dtype = d.pop("dtype")

        kind = ColumnSummaryKind(d.pop("kind"))

        missing = d.pop("missing")

        name = d.pop("name")

        def _parse_histogram(data: object) -> list[Bin] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                histogram_type_0 = []
                _histogram_type_0 = data
                for histogram_type_0_item_data in _histogram_type_0:
                    histogram_type_0_item = Bin.from_dict(histogram_type_0_item_data)

                    histogram_type_0.append(histogram_type_0_item)

                return histogram_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Bin] | None | Unset, data)

        histogram = _parse_histogram(d.pop("histogram", UNSET))

        def _parse_max_(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        max_ = _parse_max_(d.pop("max", UNSET))

        def _parse_mean(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        mean = _parse_mean(d.pop("mean", UNSET))

        def _parse_min_(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        min_ = _parse_min_(d.pop("min", UNSET))

        def _parse_others(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        others = _parse_others(d.pop("others", UNSET))

        def _parse_top(data: object) -> list[ValueCount] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                top_type_0 = []
                _top_type_0 = data
                for top_type_0_item_data in _top_type_0:
                    top_type_0_item = ValueCount.from_dict(top_type_0_item_data)

                    top_type_0.append(top_type_0_item)

                return top_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ValueCount] | None | Unset, data)

        top = _parse_top(d.pop("top", UNSET))

        column_summary = cls(
            distinct=distinct,
            dtype=dtype,
            kind=kind,
            missing=missing,
            name=name,
            histogram=histogram,
            max_=max_,
            mean=mean,
            min_=min_,
            others=others,
            top=top,
        )

        column_summary.additional_properties = d
        return column_summary

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
