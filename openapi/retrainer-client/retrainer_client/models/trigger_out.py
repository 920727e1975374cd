from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.firing_out import FiringOut
    from ..models.trigger_out_parameters import TriggerOutParameters


T = TypeVar("T", bound="TriggerOut")


@_attrs_define
class TriggerOut:
    """
    Attributes:
        catchup (str):
        created_at (datetime.datetime):
        created_by (str): Who created it or last changed it: its runs act with this principal's rights, checked at each
            firing
        cron (None | str):
        debounce_seconds (int | None):
        each (bool):
        enabled (bool):
        endpoint_id (str):
        every_seconds (int | None):
        experiment (None | str):
        id (str):
        kind (str):
        last_firing (FiringOut | None):
        name (str):
        next_fire_at (datetime.datetime | None): schedule: its next slot (UTC); null for data triggers and paused
            schedules
        overlap (str):
        parameter (None | str):
        parameters (TriggerOutParameters):
        timezone (str):
        updated_at (datetime.datetime):
        version (int | None):
        watch (None | str):
    """

    catchup: str
    created_at: datetime.datetime
    created_by: str
    cron: None | str
    debounce_seconds: int | None
    each: bool
    enabled: bool
    endpoint_id: str
    every_seconds: int | None
    experiment: None | str
    id: str
    kind: str
    last_firing: FiringOut | None
    name: str
    next_fire_at: datetime.datetime | None
    overlap: str
    parameter: None | str
    parameters: TriggerOutParameters
    timezone: str
    updated_at: datetime.datetime
    version: int | None
    watch: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.firing_out import FiringOut  # noqa: PLC0415

        catchup = self.catchup

        created_at = self.created_at.isoformat()

        created_by = self.created_by

        cron: None | str
        cron = self.cron

        debounce_seconds: int | None
        debounce_seconds = self.debounce_seconds

        each = self.each

        enabled = self.enabled

        endpoint_id = self.endpoint_id

        every_seconds: int | None
        every_seconds = self.every_seconds

        experiment: None | str
        experiment = self.experiment

        id = self.id

        kind = self.kind

        last_firing: dict[str, Any] | None
        if isinstance(self.last_firing, FiringOut):
            last_firing = self.last_firing.to_dict()
        else:
            last_firing = self.last_firing

        name = self.name

        next_fire_at: None | str
        if isinstance(self.next_fire_at, datetime.datetime):
            next_fire_at = self.next_fire_at.isoformat()
        else:
            next_fire_at = self.next_fire_at

        overlap = self.overlap

        parameter: None | str
        parameter = self.parameter

        parameters = self.parameters.to_dict()

        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

        version: int | None
        version = self.version

        watch: None | str
        watch = self.watch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "catchup": catchup,
                "created_at": created_at,
                "created_by": created_by,
                "cron": cron,
                "debounce_seconds": debounce_seconds,
                "each": each,
                "enabled": enabled,
                "endpoint_id": endpoint_id,
                "every_seconds": every_seconds,
                "experiment": experiment,
                "id": id,
                "kind": kind,
                "last_firing": last_firing,
                "name": name,
                "next_fire_at": next_fire_at,
                "overlap": overlap,
                "parameter": parameter,
                "parameters": parameters,
                "timezone": timezone,
                "updated_at": updated_at,
                "version": version,
                "watch": watch,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.firing_out import FiringOut  # noqa: PLC0415
        from ..models.trigger_out_parameters import TriggerOutParameters  # noqa: PLC0415

        d = dict(src_dict)
        catchup = d.pop("catchup")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        created_by = d.pop("created_by")

        def _parse_cron(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cron = _parse_cron(d.pop("cron"))

        def _parse_debounce_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        debounce_seconds = _parse_debounce_seconds(d.pop("debounce_seconds"))

        each = d.pop("each")

        enabled = d.pop("enabled")

        endpoint_id = d.pop("endpoint_id")

        def _parse_every_seconds(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        every_seconds = _parse_every_seconds(d.pop("every_seconds"))

        def _parse_experiment(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        experiment = _parse_experiment(d.pop("experiment"))

        id = d.pop("id")

        kind = d.pop("kind")

        def _parse_last_firing(data: object) -> FiringOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_firing_type_0 = FiringOut.from_dict(data)

                return last_firing_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FiringOut | None, data)

        last_firing = _parse_last_firing(d.pop("last_firing"))

        name = d.pop("name")

        def _parse_next_fire_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_fire_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_fire_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_fire_at = _parse_next_fire_at(d.pop("next_fire_at"))

        overlap = d.pop("overlap")

        def _parse_parameter(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        parameter = _parse_parameter(d.pop("parameter"))

        parameters = TriggerOutParameters.from_dict(d.pop("parameters"))

        timezone = d.pop("timezone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_version(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        version = _parse_version(d.pop("version"))

        def _parse_watch(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        watch = _parse_watch(d.pop("watch"))

        trigger_out = cls(
            catchup=catchup,
            created_at=created_at,
            created_by=created_by,
            cron=cron,
            debounce_seconds=debounce_seconds,
            each=each,
            enabled=enabled,
            endpoint_id=endpoint_id,
            every_seconds=every_seconds,
            experiment=experiment,
            id=id,
            kind=kind,
            last_firing=last_firing,
            name=name,
            next_fire_at=next_fire_at,
            overlap=overlap,
            parameter=parameter,
            parameters=parameters,
            timezone=timezone,
            updated_at=updated_at,
            version=version,
            watch=watch,
        )

        trigger_out.additional_properties = d
        return trigger_out

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
