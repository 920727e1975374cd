from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.trigger_create_catchup import TriggerCreateCatchup
from ..models.trigger_create_kind import TriggerCreateKind
from ..models.trigger_create_overlap import TriggerCreateOverlap
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.trigger_create_parameters import TriggerCreateParameters


T = TypeVar("T", bound="TriggerCreate")


@_attrs_define
class TriggerCreate:
    """
    Attributes:
        kind (TriggerCreateKind):
        name (str): Unique among the endpoint's triggers
        catchup (TriggerCreateCatchup | Unset): After the scheduler was down: `latest` fires the newest missed slot
            once, `skip` none (recorded as skipped, caught up) Default: TriggerCreateCatchup.SKIP.
        cron (None | str | Unset): schedule: five-field cron expression, read in `timezone`
        debounce_seconds (int | None | Unset): data: wait this long after the last new file (a burst settles); default
            and minimum RETRAINER_MIN_TRIGGER_SECONDS
        each (bool | Unset): data: one run per new file instead of one for the newest Default: False.
        enabled (bool | Unset):  Default: True.
        every_seconds (int | None | Unset): schedule: instead of `cron`; at least RETRAINER_MIN_TRIGGER_SECONDS
        experiment (None | str | Unset):
        overlap (TriggerCreateOverlap | Unset): What a firing does while the trigger's previous run is still queued or
            running: `skip` it (recorded with the reason), `queue` it (submitted when that run ends; one waits at most), or
            `allow` it (runs side by side) Default: TriggerCreateOverlap.SKIP.
        parameter (None | str | Unset): data: the `data_path` parameter that receives the new file's URI
        parameters (TriggerCreateParameters | Unset): The runs' parameters, as in a run request
        timezone (str | Unset): schedule: IANA time zone of `cron` Default: 'UTC'.
        version (int | None | Unset): The endpoint version to run; default: its default version then
        watch (None | str | Unset): data: the folder to watch, `datastore://NAME/prefix/`
    """

    kind: TriggerCreateKind
    name: str
    catchup: TriggerCreateCatchup | Unset = TriggerCreateCatchup.SKIP
    cron: None | str | Unset = UNSET
    debounce_seconds: int | None | Unset = UNSET
    each: bool | Unset = False
    enabled: bool | Unset = True
    every_seconds: int | None | Unset = UNSET
    experiment: None | str | Unset = UNSET
    overlap: TriggerCreateOverlap | Unset = TriggerCreateOverlap.SKIP
    parameter: None | str | Unset = UNSET
    parameters: TriggerCreateParameters | Unset = UNSET
    timezone: str | Unset = "UTC"
    version: int | None | Unset = UNSET
    watch: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        name = self.name

        catchup: str | Unset = UNSET
        if not isinstance(self.catchup, Unset):
            catchup = self.catchup.value

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

        each = self.each

        enabled = self.enabled

        every_seconds: int | None | Unset
        if isinstance(self.every_seconds, Unset):
            every_seconds = UNSET
        else:
            every_seconds = self.every_seconds

        experiment: None | str | Unset
        if isinstance(self.experiment, Unset):
            experiment = UNSET
        else:
            experiment = self.experiment

        overlap: str | Unset = UNSET
        if not isinstance(self.overlap, Unset):
            overlap = self.overlap.value

        parameter: None | str | Unset
        if isinstance(self.parameter, Unset):
            parameter = UNSET
        else:
            parameter = self.parameter

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        timezone = self.timezone

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        watch: None | str | Unset
        if isinstance(self.watch, Unset):
            watch = UNSET
        else:
            watch = self.watch

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )
        if catchup is not UNSET:
            field_dict["catchup"] = catchup
        if cron is not UNSET:
            field_dict["cron"] = cron
        if debounce_seconds is not UNSET:
            field_dict["debounce_seconds"] = debounce_seconds
        if each is not UNSET:
            field_dict["each"] = each
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if every_seconds is not UNSET:
            field_dict["every_seconds"] = every_seconds
        if experiment is not UNSET:
            field_dict["experiment"] = experiment
        if overlap is not UNSET:
            field_dict["overlap"] = overlap
        if parameter is not UNSET:
            field_dict["parameter"] = parameter
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if version is not UNSET:
            field_dict["version"] = version
        if watch is not UNSET:
            field_dict["watch"] = watch

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trigger_create_parameters import TriggerCreateParameters  # noqa: PLC0415

        d = dict(src_dict)
        kind = TriggerCreateKind(d.pop("kind"))

        name = d.pop("name")

        _catchup = d.pop("catchup", UNSET)
        catchup: TriggerCreateCatchup | Unset
        if isinstance(_catchup, Unset):
            catchup = UNSET
        else:
            catchup = TriggerCreateCatchup(_catchup)

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

        each = d.pop("each", UNSET)

        enabled = d.pop("enabled", UNSET)

        def _parse_every_seconds(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        every_seconds = _parse_every_seconds(d.pop("every_seconds", UNSET))

        def _parse_experiment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        experiment = _parse_experiment(d.pop("experiment", UNSET))

        _overlap = d.pop("overlap", UNSET)
        overlap: TriggerCreateOverlap | Unset
        if isinstance(_overlap, Unset):
            overlap = UNSET
        else:
            overlap = TriggerCreateOverlap(_overlap)

        def _parse_parameter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        parameter = _parse_parameter(d.pop("parameter", UNSET))

        _parameters = d.pop("parameters", UNSET)
        parameters: TriggerCreateParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = TriggerCreateParameters.from_dict(_parameters)

        timezone = d.pop("timezone", UNSET)

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        def _parse_watch(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        watch = _parse_watch(d.pop("watch", UNSET))

        trigger_create = cls(
            kind=kind,
            name=name,
            catchup=catchup,
            cron=cron,
            debounce_seconds=debounce_seconds,
            each=each,
            enabled=enabled,
            every_seconds=every_seconds,
            experiment=experiment,
            overlap=overlap,
            parameter=parameter,
            parameters=parameters,
            timezone=timezone,
            version=version,
            watch=watch,
        )

        return trigger_create
