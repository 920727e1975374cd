from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.drift_column import DriftColumn


T = TypeVar("T", bound="DriftCheckOut")


@_attrs_define
class DriftCheckOut:
    """
    Attributes:
        at (datetime.datetime): When the check was recorded
        columns (list[DriftColumn]):
        drifted (bool):
        enough_rows (bool):
        episode_id (None | str): The check that began the episode this one is part of
        episode_started (bool): This check began a drift episode (the webhook event deployment.drift_detected was sent
            for it)
        id (str):
        retrain_note (None | str): Why no retrain was submitted (cooldown, refused, ...)
        rows (int):
        run_id (None | str): The retrain run this check submitted
        version (int):
        message (None | str | Unset):
        prediction (DriftColumn | None | Unset):
        since (datetime.datetime | None | Unset): The window measured (the last 24 hours)
        until (datetime.datetime | None | Unset):
    """

    at: datetime.datetime
    columns: list[DriftColumn]
    drifted: bool
    enough_rows: bool
    episode_id: None | str
    episode_started: bool
    id: str
    retrain_note: None | str
    rows: int
    run_id: None | str
    version: int
    message: None | str | Unset = UNSET
    prediction: DriftColumn | None | Unset = UNSET
    since: datetime.datetime | None | Unset = UNSET
    until: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.drift_column import DriftColumn  # noqa: PLC0415

        at = self.at.isoformat()

        columns = []
        for columns_item_data in self.columns:
            columns_item = columns_item_data.to_dict()
            columns.append(columns_item)

        drifted = self.drifted

        enough_rows = self.enough_rows

        episode_id: None | str
        episode_id = self.episode_id

        episode_started = self.episode_started

        id = self.id

        retrain_note: None | str
        retrain_note = self.retrain_note

        rows = self.rows

        run_id: None | str
        run_id = self.run_id

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

        since: None | str | Unset
        if isinstance(self.since, Unset):
            since = UNSET
        elif isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        until: None | str | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, datetime.datetime):
            until = self.until.isoformat()
        else:
            until = self.until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "columns": columns,
                "drifted": drifted,
                "enough_rows": enough_rows,
                "episode_id": episode_id,
                "episode_started": episode_started,
                "id": id,
                "retrain_note": retrain_note,
                "rows": rows,
                "run_id": run_id,
                "version": version,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message
        if prediction is not UNSET:
            field_dict["prediction"] = prediction
        if since is not UNSET:
            field_dict["since"] = since
        if until is not UNSET:
            field_dict["until"] = until

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.drift_column import DriftColumn  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        columns = []
        _columns = d.pop("columns")
        for columns_item_data in _columns:
            columns_item = DriftColumn.from_dict(columns_item_data)

            columns.append(columns_item)

        drifted = d.pop("drifted")

        enough_rows = d.pop("enough_rows")

        def _parse_episode_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        episode_id = _parse_episode_id(d.pop("episode_id"))

        episode_started = d.pop("episode_started")

        id = d.pop("id")

        def _parse_retrain_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        retrain_note = _parse_retrain_note(d.pop("retrain_note"))

        rows = d.pop("rows")

        def _parse_run_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_id = _parse_run_id(d.pop("run_id"))

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

        def _parse_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        since = _parse_since(d.pop("since", UNSET))

        def _parse_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.datetime.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        drift_check_out = cls(
            at=at,
            columns=columns,
            drifted=drifted,
            enough_rows=enough_rows,
            episode_id=episode_id,
            episode_started=episode_started,
            id=id,
            retrain_note=retrain_note,
            rows=rows,
            run_id=run_id,
            version=version,
            message=message,
            prediction=prediction,
            since=since,
            until=until,
        )

        drift_check_out.additional_properties = d
        return drift_check_out

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
