from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.gate_metric_type_0 import GateMetricType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="Gate")


@_attrs_define
class Gate:
    """When a followed model registers a new version, champion and challenger are scored on
    the same rows; the challenger serves only if its metric >= the champion's + min_delta.

        Attributes:
            holdout (None | str | Unset): datastore:// path of a CSV (with a header) or Parquet file holding the features
                and the label; without it, the test split recorded by the champion's own run (never the challenger's). A
                champion scoring below chance, or more than 0.2 below its recorded score, on these rows holds the gate
            metric (GateMetricType0 | None | Unset): Higher is better. Default: roc_auc for binary classification, accuracy
                for multiclass, r2 for regression
            min_delta (float | Unset): How much better the challenger must be (may be negative) Default: 0.0.
    """

    holdout: None | str | Unset = UNSET
    metric: GateMetricType0 | None | Unset = UNSET
    min_delta: float | Unset = 0.0

    def to_dict(self) -> dict[str, Any]:
        holdout: None | str | Unset
        if isinstance(self.holdout, Unset):
            holdout = UNSET
        else:
            holdout = self.holdout

        metric: None | str | Unset
        if isinstance(self.metric, Unset):
            metric = UNSET
        elif isinstance(self.metric, GateMetricType0):
            metric = self.metric.value
        else:
            metric = self.metric

        min_delta = self.min_delta

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if holdout is not UNSET:
            field_dict["holdout"] = holdout
        if metric is not UNSET:
            field_dict["metric"] = metric
        if min_delta is not UNSET:
            field_dict["min_delta"] = min_delta

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_holdout(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        holdout = _parse_holdout(d.pop("holdout", UNSET))

        def _parse_metric(data: object) -> GateMetricType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                metric_type_0 = GateMetricType0(data)

                return metric_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GateMetricType0 | None | Unset, data)

        metric = _parse_metric(d.pop("metric", UNSET))

        min_delta = d.pop("min_delta", UNSET)

        gate = cls(
            holdout=holdout,
            metric=metric,
            min_delta=min_delta,
        )

        return gate
