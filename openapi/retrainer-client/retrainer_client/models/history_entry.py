from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.history_entry_reason import HistoryEntryReason

if TYPE_CHECKING:
    from ..models.history_entry_metrics_type_0 import HistoryEntryMetricsType0


T = TypeVar("T", bound="HistoryEntry")


@_attrs_define
class HistoryEntry:
    """
    Attributes:
        at (datetime.datetime):
        from_version (int | None):
        message (None | str): Why, in words: what changed, or why the gate held
        metrics (HistoryEntryMetricsType0 | None): When the gate scored: {metric, rows, rows_from, champion: {...},
            challenger: {...}}
        reason (HistoryEntryReason):
        run_id (None | str): The run that registered the challenger
        to_version (int | None):
    """

    at: datetime.datetime
    from_version: int | None
    message: None | str
    metrics: HistoryEntryMetricsType0 | None
    reason: HistoryEntryReason
    run_id: None | str
    to_version: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.history_entry_metrics_type_0 import HistoryEntryMetricsType0  # noqa: PLC0415

        at = self.at.isoformat()

        from_version: int | None
        from_version = self.from_version

        message: None | str
        message = self.message

        metrics: dict[str, Any] | None
        if isinstance(self.metrics, HistoryEntryMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        reason = self.reason.value

        run_id: None | str
        run_id = self.run_id

        to_version: int | None
        to_version = self.to_version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "from_version": from_version,
                "message": message,
                "metrics": metrics,
                "reason": reason,
                "run_id": run_id,
                "to_version": to_version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.history_entry_metrics_type_0 import HistoryEntryMetricsType0  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        def _parse_from_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        from_version = _parse_from_version(d.pop("from_version"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        def _parse_metrics(data: object) -> HistoryEntryMetricsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = HistoryEntryMetricsType0.from_dict(data)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(HistoryEntryMetricsType0 | None, data)

        metrics = _parse_metrics(d.pop("metrics"))

        reason = HistoryEntryReason(d.pop("reason"))

        def _parse_run_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        run_id = _parse_run_id(d.pop("run_id"))

        def _parse_to_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        to_version = _parse_to_version(d.pop("to_version"))

        history_entry = cls(
            at=at,
            from_version=from_version,
            message=message,
            metrics=metrics,
            reason=reason,
            run_id=run_id,
            to_version=to_version,
        )

        history_entry.additional_properties = d
        return history_entry

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
