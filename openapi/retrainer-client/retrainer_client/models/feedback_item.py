from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="FeedbackItem")


@_attrs_define
class FeedbackItem:
    """
    Attributes:
        label (bool | float | int | str): The true label (a class, or a number for a regression)
        prediction_id (str): From a predict answer's prediction_ids
    """

    label: bool | float | int | str
    prediction_id: str

    def to_dict(self) -> dict[str, Any]:
        label: bool | float | int | str
        label = self.label

        prediction_id = self.prediction_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "label": label,
                "prediction_id": prediction_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_label(data: object) -> bool | float | int | str:
            return cast(bool | float | int | str, data)

        label = _parse_label(d.pop("label"))

        prediction_id = d.pop("prediction_id")

        feedback_item = cls(
            label=label,
            prediction_id=prediction_id,
        )

        return feedback_item
