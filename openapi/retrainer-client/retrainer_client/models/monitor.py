from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.retrain import Retrain
    from ..models.thresholds import Thresholds


T = TypeVar("T", bound="Monitor")


@_attrs_define
class Monitor:
    """What a deployment watches: its predictions logged (a sample of them) to measure drift.

    Attributes:
        check_every_seconds (int | None | Unset): How often the scheduler checks drift over the last 24 hours of logged
            rows (at least RETRAINER_MIN_TRIGGER_SECONDS); null: no scheduled checks Default: 3600.
        log_predictions (bool | Unset): Log the rows scored and the answers, off the request path, to the artifact store
            Default: True.
        retrain (None | Retrain | Unset): The run a drift episode submits (null: none)
        sample (float | Unset): The share of the rows logged, drawn at random per row Default: 1.0.
        thresholds (Thresholds | Unset):
    """

    check_every_seconds: int | None | Unset = 3600
    log_predictions: bool | Unset = True
    retrain: None | Retrain | Unset = UNSET
    sample: float | Unset = 1.0
    thresholds: Thresholds | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.retrain import Retrain  # noqa: PLC0415

        check_every_seconds: int | None | Unset
        if isinstance(self.check_every_seconds, Unset):
            check_every_seconds = UNSET
        else:
            check_every_seconds = self.check_every_seconds

        log_predictions = self.log_predictions

        retrain: dict[str, Any] | None | Unset
        if isinstance(self.retrain, Unset):
            retrain = UNSET
        elif isinstance(self.retrain, Retrain):
            retrain = self.retrain.to_dict()
        else:
            retrain = self.retrain

        sample = self.sample

        thresholds: dict[str, Any] | Unset = UNSET
        if not isinstance(self.thresholds, Unset):
            thresholds = self.thresholds.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if check_every_seconds is not UNSET:
            field_dict["check_every_seconds"] = check_every_seconds
        if log_predictions is not UNSET:
            field_dict["log_predictions"] = log_predictions
        if retrain is not UNSET:
            field_dict["retrain"] = retrain
        if sample is not UNSET:
            field_dict["sample"] = sample
        if thresholds is not UNSET:
            field_dict["thresholds"] = thresholds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.retrain import Retrain  # noqa: PLC0415
        from ..models.thresholds import Thresholds  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_check_every_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        check_every_seconds = _parse_check_every_seconds(d.pop("check_every_seconds", UNSET))

        log_predictions = d.pop("log_predictions", UNSET)

        def _parse_retrain(data: object) -> None | Retrain | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                retrain_type_0 = Retrain.from_dict(data)

                return retrain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Retrain | Unset, data)

        retrain = _parse_retrain(d.pop("retrain", UNSET))

        sample = d.pop("sample", UNSET)

        _thresholds = d.pop("thresholds", UNSET)
        thresholds: Thresholds | Unset
        if isinstance(_thresholds, Unset):
            thresholds = UNSET
        else:
            thresholds = Thresholds.from_dict(_thresholds)

        monitor = cls(
            check_every_seconds=check_every_seconds,
            log_predictions=log_predictions,
            retrain=retrain,
            sample=sample,
            thresholds=thresholds,
        )

        return monitor
