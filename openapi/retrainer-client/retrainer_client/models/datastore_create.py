from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.datastore_create_kind import DatastoreCreateKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="DatastoreCreate")


@_attrs_define
class DatastoreCreate:
    """
    Attributes:
        name (str):
        access_key_id (None | str | Unset): With secret_access_key: the datastore's own credentials, stored encrypted
            and never returned; unset: the service's
        description (None | str | Unset):
        endpoint_url (None | str | Unset): S3-compatible endpoint (kind s3), one that RETRAINER_S3_DATASTORE_ENDPOINTS
            allows; unset: the service's RETRAINER_S3_ENDPOINT_URL
        kind (DatastoreCreateKind | Unset): `local`: kept in the service's own storage (RETRAINER_ARTIFACT_URL); `s3`: a
            bucket and prefix of its own Default: DatastoreCreateKind.LOCAL.
        region (None | str | Unset):
        secret_access_key (None | str | Unset):
        session_token (None | str | Unset):
        url (None | str | Unset): `s3://bucket/prefix` (kind s3); the bucket must exist
    """

    name: str
    access_key_id: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    endpoint_url: None | str | Unset = UNSET
    kind: DatastoreCreateKind | Unset = DatastoreCreateKind.LOCAL
    region: None | str | Unset = UNSET
    secret_access_key: None | str | Unset = UNSET
    session_token: None | str | Unset = UNSET
    url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        access_key_id: None | str | Unset
        if isinstance(self.access_key_id, Unset):
            access_key_id = UNSET
        else:
            access_key_id = self.access_key_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        endpoint_url: None | str | Unset
        if isinstance(self.endpoint_url, Unset):
            endpoint_url = UNSET
        else:
            endpoint_url = self.endpoint_url

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        secret_access_key: None | str | Unset
        if isinstance(self.secret_access_key, Unset):
            secret_access_key = UNSET
        else:
            secret_access_key = self.secret_access_key

        session_token: None | str | Unset
        if isinstance(self.session_token, Unset):
            session_token = UNSET
        else:
            session_token = self.session_token

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if access_key_id is not UNSET:
            field_dict["access_key_id"] = access_key_id
        if description is not UNSET:
            field_dict["description"] = description
        if endpoint_url is not UNSET:
            field_dict["endpoint_url"] = endpoint_url
        if kind is not UNSET:
            field_dict["kind"] = kind
        if region is not UNSET:
            field_dict["region"] = region
        if secret_access_key is not UNSET:
            field_dict["secret_access_key"] = secret_access_key
        if session_token is not UNSET:
            field_dict["session_token"] = session_token
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_access_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        access_key_id = _parse_access_key_id(d.pop("access_key_id", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_endpoint_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        endpoint_url = _parse_endpoint_url(d.pop("endpoint_url", UNSET))

        _kind = d.pop("kind", UNSET)
        kind: DatastoreCreateKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = DatastoreCreateKind(_kind)

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_secret_access_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret_access_key = _parse_secret_access_key(d.pop("secret_access_key", UNSET))

        def _parse_session_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_token = _parse_session_token(d.pop("session_token", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        datastore_create = cls(
            name=name,
            access_key_id=access_key_id,
            description=description,
            endpoint_url=endpoint_url,
            kind=kind,
            region=region,
            secret_access_key=secret_access_key,
            session_token=session_token,
            url=url,
        )

        return datastore_create
