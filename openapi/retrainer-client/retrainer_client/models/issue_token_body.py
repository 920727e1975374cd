from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.issue_token_body_grant_type import IssueTokenBodyGrantType
from ..types import UNSET, Unset

T = TypeVar("T", bound="IssueTokenBody")


@_attrs_define
class IssueTokenBody:
    """
    Attributes:
        grant_type (IssueTokenBodyGrantType):
        client_id (str | Unset):
        client_secret (str | Unset):
        password (str | Unset):
        scope (str | Unset): space-separated scopes
        username (str | Unset):
    """

    grant_type: IssueTokenBodyGrantType
    client_id: str | Unset = UNSET
    client_secret: str | Unset = UNSET
    password: str | Unset = UNSET
    scope: str | Unset = UNSET
    username: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type.value

        client_id = self.client_id

        client_secret = self.client_secret

        password = self.password

        scope = self.scope

        username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "grant_type": grant_type,
            }
        )
        if client_id is not UNSET:
            field_dict["client_id"] = client_id
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if password is not UNSET:
            field_dict["password"] = password
        if scope is not UNSET:
            field_dict["scope"] = scope
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = IssueTokenBodyGrantType(d.pop("grant_type"))

        client_id = d.pop("client_id", UNSET)

        client_secret = d.pop("client_secret", UNSET)

        password = d.pop("password", UNSET)

        scope = d.pop("scope", UNSET)

        username = d.pop("username", UNSET)

        issue_token_body = cls(
            grant_type=grant_type,
            client_id=client_id,
            client_secret=client_secret,
            password=password,
            scope=scope,
            username=username,
        )

        issue_token_body.additional_properties = d
        return issue_token_body

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
