from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.trigger_patch_catchup_type_0 import TriggerPatchCatchupType0
from ..models.trigger_patch_overlap_type_0 import TriggerPatchOverlapType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trigger_patch_parameters_type_0 import TriggerPatchParametersType0


T = TypeVar("T", bound="TriggerPatch")


@_attrs_define
class TriggerPatch:
    """
    Attributes:
        catchup (None | TriggerPatchCatchupType0 | Unset):
        cron (None | str | Unset):
        debounce_seconds (int | None | Unset):
        enabled (bool | None | Unset): false pauses it; resuming never fires the slots of the pause
        every_seconds (int | None | Unset):
        overlap (None | TriggerPatchOverlapType0 | Unset):
        parameters (None | TriggerPatchParametersType0 | Unset):
        timezone (None | str | Unset):
    """

    catchup: None | TriggerPatchCatchupType0 | Unset = UNSET
    cron: None | str | Unset = UNSET
    debounce_seconds: int | None | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    every_seconds: int | None | Unset = UNSET
    overlap: None | TriggerPatchOverlapType0 | Unset = UNSET
    parameters: None | TriggerPatchParametersType0 | Unset = UNSET
    timezone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.trigger_patch_parameters_type_0 import TriggerPatchParametersType0  # noqa: PLC0415

        catchup: None | str | Unset
        if isinstance(self.catchup, Unset):
            catchup = UNSET
        elif isinstance(self.catchup, TriggerPatchCatchupType0):
            catchup = self.catchup.value
        else:
            catchup = self.catchup

        cron: None | str | Unset
        if isinstance(self.cron, Unset):
            cron = UNSET
        else:
            cron = self.cron

        debounce_seconds: int | None | Unset
        if isinstance(self.debounce_seconds, Unset):
            debounce_seconds = UNSET
        else:
            debounce_seconds = self.debounce_seconds

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        every_seconds: int | None | Unset
        if isinstance(self.every_seconds, Unset):
            every_seconds = UNSET
        else:
            every_seconds = self.every_seconds

        overlap: None | str | Unset
        if isinstance(self.overlap, Unset):
            overlap = UNSET
        elif isinstance(self.overlap, TriggerPatchOverlapType0):
            overlap = self.overlap.value
        else:
            overlap = self.overlap

        parameters: dict[str, Any] | None | Unset
        if isinstance(self.parameters, Unset):
            parameters = UNSET
        elif isinstance(self.parameters, TriggerPatchParametersType0):
            parameters = self.parameters.to_dict()
        else:
            parameters = self.parameters

        timezone: None | str | Unset
        if isinstance(self.timezone, Unset):
            timezone = UNSET
        else:
            timezone = self.timezone

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if catchup is not UNSET:
            field_dict["catchup"] = catchup
        if cron is not UNSET:
            field_dict["cron"] = cron
        if debounce_seconds is not UNSET:
            field_dict["debounce_seconds"] = debounce_seconds
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if every_seconds is not UNSET:
            field_dict["every_seconds"] = every_seconds
        if overlap is not UNSET:
            field_dict["overlap"] = overlap
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trigger_patch_parameters_type_0 import TriggerPatchParametersType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_catchup(data: object) -> None | TriggerPatchCatchupType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                catchup_type_0 = TriggerPatchCatchupType0(data)

                return catchup_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriggerPatchCatchupType0 | Unset, data)

        catchup = _parse_catchup(d.pop("catchup", UNSET))

        def _parse_cron(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cron = _parse_cron(d.pop("cron", UNSET))

        def _parse_debounce_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        debounce_seconds = _parse_debounce_seconds(d.pop("debounce_seconds", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_every_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        every_seconds = _parse_every_seconds(d.pop("every_seconds", UNSET))

        def _parse_overlap(data: object) -> None | TriggerPatchOverlapType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                overlap_type_0 = TriggerPatchOverlapType0(data)

                return overlap_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriggerPatchOverlapType0 | Unset, data)

        overlap = _parse_overlap(d.pop("overlap", UNSET))

        def _parse_parameters(data: object) -> None | TriggerPatchParametersType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                parameters_type_0 = TriggerPatchParametersType0.from_dict(data)

                return parameters_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TriggerPatchParametersType0 | Unset, data)

        parameters = _parse_parameters(d.pop("parameters", UNSET))

        def _parse_timezone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        timezone = _parse_timezone(d.pop("timezone", UNSET))

        trigger_patch = cls(
            catchup=catchup,
            cron=cron,
            debounce_seconds=debounce_seconds,
            enabled=enabled,
            every_seconds=every_seconds,
            overlap=overlap,
            parameters=parameters,
            timezone=timezone,
        )

        return trigger_patch
