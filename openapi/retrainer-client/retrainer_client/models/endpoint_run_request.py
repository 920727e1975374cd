from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.endpoint_run_request_parameters import EndpointRunRequestParameters


T = TypeVar("T", bound="EndpointRunRequest")


@_attrs_define
class EndpointRunRequest:
    """
    Attributes:
        experiment (None | str | Unset):
        parameters (EndpointRunRequestParameters | Unset): Values for the version's parameters; unset ones take their
            defaults
        regenerate (bool | Unset): Run every step again; reuse no earlier outputs Default: False.
        version (int | None | Unset): Defaults to the endpoint's default version
    """

    experiment: None | str | Unset = UNSET
    parameters: EndpointRunRequestParameters | Unset = UNSET
    regenerate: bool | Unset = False
    version: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        experiment: None | str | Unset
        if isinstance(self.experiment, Unset):
            experiment = UNSET
        else:
            experiment = self.experiment

        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()

        regenerate = self.regenerate

        version: int | None | Unset
        if isinstance(self.version, Unset):
            version = UNSET
        else:
            version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if experiment is not UNSET:
            field_dict["experiment"] = experiment
        if parameters is not UNSET:
            field_dict["parameters"] = parameters
        if regenerate is not UNSET:
            field_dict["regenerate"] = regenerate
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.endpoint_run_request_parameters import EndpointRunRequestParameters  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_experiment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        experiment = _parse_experiment(d.pop("experiment", UNSET))

        _parameters = d.pop("parameters", UNSET)
        parameters: EndpointRunRequestParameters | Unset
        if isinstance(_parameters, Unset):
            parameters = UNSET
        else:
            parameters = EndpointRunRequestParameters.from_dict(_parameters)

        regenerate = d.pop("regenerate", UNSET)

        def _parse_version(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        version = _parse_version(d.pop("version", UNSET))

        endpoint_run_request = cls(
            experiment=experiment,
            parameters=parameters,
            regenerate=regenerate,
            version=version,
        )

        return endpoint_run_request
