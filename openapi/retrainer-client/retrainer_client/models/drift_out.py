from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.drift_column import DriftColumn


T = TypeVar("T", bound="DriftOut")


@_attrs_define
class DriftOut:
    """
    Attributes:
        columns (list[DriftColumn]):
        drifted (bool):
        enough_rows (bool): false: fewer rows than RETRAINER_DRIFT_MIN_ROWS; nothing is measured
        reference_rows (int): Training rows of the serving version
        rows (int): Logged rows in the window
        since (datetime.datetime):
        until (datetime.datetime):
        version (int): The serving version, whose reference profile the rows are compared with
        message (None | str | Unset):
        prediction (DriftColumn | None | Unset): The predictions of the serving version's logged rows against its
            predictions on its training rows
    """

    columns: list[DriftColumn]
    drifted: bool
    enough_rows: bool
    reference_rows: int
    rows: int
    since: datetime.datetime
    until: datetime.datetime
    version: int
    message: None | str | Unset = UNSET
    prediction: DriftColumn | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.drift_column import DriftColumn  # noqa: PLC0415

        columns = []
        for columns_item_data in self.columns:
            columns_item = columns_item_data.to_dict()
            columns.append(columns_item)

        drifted = self.drifted

        enough_rows = self.enough_rows

        reference_rows = self.reference_rows

        rows = self.rows

        since = self.since.isoformat()

        until = self.until.isoformat()

        version = self.version

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        prediction: dict[str, Any] | None | Unset
        if isinstance(self.prediction, Unset):
            prediction = UNSET
        elif isinstance(self.prediction, DriftColumn):
            prediction = self.prediction.to_dict()
        else:
            prediction = self.prediction

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "columns": columns,
                "drifted": drifted,
                "enough_rows": enough_rows,
                "reference_rows": reference_rows,
                "rows": rows,
                "since": since,
                "until": until,
                "version": version,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message
        if prediction is not UNSET:
            field_dict["prediction"] = prediction

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.drift_column import DriftColumn  # noqa: PLC0415

        d = dict(src_dict)
        columns = []
        _columns = d.pop("columns")
        for columns_item_data in _columns:
            columns_item = DriftColumn.from_dict(columns_item_data)

            columns.append(columns_item)

        drifted = d.pop("drifted")

        enough_rows = d.pop("enough_rows")

        reference_rows = d.pop("reference_rows")

        rows = d.pop("rows")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        until = datetime.datetime.fromisoformat(d.pop("until"))

        version = d.pop("version")

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        def _parse_prediction(data: object) -> DriftColumn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                prediction_type_0 = DriftColumn.from_dict(data)

                return prediction_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DriftColumn | None | Unset, data)

        prediction = _parse_prediction(d.pop("prediction", UNSET))

        drift_out = cls(
            columns=columns,
            drifted=drifted,
            enough_rows=enough_rows,
            reference_rows=reference_rows,
            rows=rows,
            since=since,
            until=until,
            version=version,
            message=message,
            prediction=prediction,
        )

        drift_out.additional_properties = d
        return drift_out

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
