"""The built-in component catalogue: names, versions, ports and settings models.

Metadata only: importing this module imports pydantic and nothing heavy (no
FastAPI, scikit-learn or pandas), so the API can list and validate components.
The implementations live in `worker.components` (IMPLEMENTATIONS, same keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from app.components.settings import (
    CleanMissingDataSettings,
    EvaluateModelSettings,
    ExportDataSettings,
    ImportDataSettings,
    NormalizeDataSettings,
    ScoreModelSettings,
    ScoreRegisteredModelSettings,
    SelectColumnsSettings,
    SplitDataSettings,
    TrainModelSettings,
)

PortType = Literal["dataset", "model", "metrics"]
# What the executor and the gate need to know of a component beyond its ports:
# "trains": its `model` output is registered as a model version when the run succeeds;
# "scores": it scores its `model` input on its `data` input (the rows a deployment's
# gate compares a challenger on when the gate names no holdout).
ComponentRole = Literal["trains", "scores"]


class Port(BaseModel):
    """An input or output of a component. A dataset is a table, a model a trained
    model (TrainedModel in the worker), metrics a JSON object."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: PortType
    description: str
    optional: bool = False


@dataclass(frozen=True)
class ComponentDef:
    name: str
    version: str
    description: str
    inputs: tuple[Port, ...]
    outputs: tuple[Port, ...]
    settings_model: type[BaseModel]
    role: ComponentRole | None = None
    # False: computed in every run, never taken from an earlier one (e.g. it reads a
    # registered model by name, and "latest" may name a new version).
    reusable: bool = True

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "inputs": [port.model_dump() for port in self.inputs],
            "outputs": [port.model_dump() for port in self.outputs],
            "settings": self.settings_model.model_json_schema(),
        }


def _dataset(name: str, description: str) -> Port:
    return Port(name=name, type="dataset", description=description)


PIPELINE_RECIPE = (
    "The fitted model is a plain scikit-learn Pipeline([('preprocess', ColumnTransformer(...)), "
    "('model', estimator)]) that takes raw rows (a DataFrame holding the feature columns; other "
    "columns are ignored). Feature columns with no value in the training rows are left out. "
    "boosted_decision_tree uses HistGradientBoosting's native support for categories and missing "
    "values: numeric (non-boolean) feature columns pass through ('passthrough'); every other "
    "feature column (text, categorical, boolean) gets OrdinalEncoder(handle_unknown='use_encoded_value', "
    "unknown_value=nan, encoded_missing_value=nan), with max_categories=255 for a column with more "
    "than 255 distinct values in the training rows (its 254 most frequent values keep a code of "
    "their own, the others share one); the ColumnTransformer outputs pandas "
    "(set_output(transform='pandas')), and HistGradientBoostingClassifier/Regressor gets "
    "categorical_features=<the positions of the encoded columns> and early_stopping=False "
    "(max_iter trees on every training row). So missing values and categories unseen in "
    "training are scored as missing. The other algorithms: numeric feature columns get "
    "SimpleImputer(strategy='median'), then StandardScaler() for logistic_regression, "
    "linear_regression and ridge only; every other feature column SimpleImputer(strategy="
    "'most_frequent'), then OneHotEncoder(handle_unknown='ignore') (unseen categories are "
    "encoded as all zeros). The estimators: LogisticRegression(C, max_iter), "
    "HistGradientBoostingClassifier/Regressor, RandomForestClassifier/Regressor, "
    "DecisionTreeClassifier/Regressor, LinearRegression, Ridge, with the given hyperparameters, "
    "random_state=seed where the estimator has one and scikit-learn's defaults otherwise. "
    "Rows whose label is missing are dropped before fitting. Boolean, object and category "
    "feature columns are passed as object columns whose missing values are NaN."
)

_COMPONENTS = [
    ComponentDef(
        name="import_data",
        version="1.1.0",
        description=(
            "Read a CSV or Parquet file from a datastore into a dataset. CSV options: header or "
            "not, column names, separator, spaces after the separator, extra missing-value "
            "markers (e.g. '?'), encoding, lines to skip. Parquet ignores the CSV options."
        ),
        inputs=(),
        outputs=(_dataset("data", "The file's rows."),),
        settings_model=ImportDataSettings,
    ),
    ComponentDef(
        name="export_data",
        version="1.0.0",
        description="Write a dataset to a CSV or Parquet file in a datastore (without the row index).",
        inputs=(_dataset("data", "The rows to write."),),
        outputs=(),
        settings_model=ExportDataSettings,
    ),
    ComponentDef(
        name="select_columns",
        version="1.0.0",
        description="Keep only the named columns (include), or drop them (exclude).",
        inputs=(_dataset("data", "Input rows."),),
        outputs=(_dataset("data", "The rows with the selected columns."),),
        settings_model=SelectColumnsSettings,
    ),
    ComponentDef(
        name="clean_missing_data",
        version="1.0.0",
        description=(
            "Handle missing values: drop the rows that have one, or fill them with the column's "
            "mean, median, most frequent value, or a constant."
        ),
        inputs=(_dataset("data", "Input rows."),),
        outputs=(_dataset("data", "The cleaned rows."),),
        settings_model=CleanMissingDataSettings,
    ),
    ComponentDef(
        name="normalize_data",
        version="1.0.0",
        description=(
            "Rescale numeric columns: z-score (mean 0, population std 1) or min-max (into [0, 1]). "
            "Constant columns become 0; missing values stay missing."
        ),
        inputs=(_dataset("data", "Input rows."),),
        outputs=(_dataset("data", "The rows with rescaled columns."),),
        settings_model=NormalizeDataSettings,
    ),
    ComponentDef(
        name="split_data",
        version="1.0.0",
        description=(
            "Split rows into train and test: by a random fraction (exactly scikit-learn's "
            "train_test_split(df, train_size=fraction, random_state=seed, shuffle=shuffle, "
            "stratify=df[stratify_column] or None)), or by a condition (matching rows go to train; "
            "rows with a missing value in the condition's column never match)."
        ),
        inputs=(_dataset("data", "Input rows."),),
        outputs=(
            _dataset("train", "The fraction of the rows, or the rows matching the condition."),
            _dataset("test", "The other rows."),
        ),
        settings_model=SplitDataSettings,
    ),
    ComponentDef(
        name="train_model",
        # 2.0.0: native categories for boosted_decision_tree (a new model for the same
        # settings, so steps trained by 1.0.0 are not reused).
        version="2.0.0",
        description="Train a classification or regression model on a dataset. " + PIPELINE_RECIPE,
        inputs=(_dataset("data", "Training rows, with the label column."),),
        outputs=(Port(name="model", type="model", description="The trained model."),),
        settings_model=TrainModelSettings,
        role="trains",
    ),
    ComponentDef(
        name="score_model",
        version="1.0.0",
        description=(
            "Predict with a trained model. Adds scored_label and, for classification, one "
            "scored_probability_<class> column per class. Categories unseen in training are "
            "scored as missing values by boosted_decision_tree, and ignored (encoded as all "
            "zeros) by the other algorithms."
        ),
        inputs=(
            Port(name="model", type="model", description="A model from train_model."),
            _dataset("data", "Rows to score; must hold the model's feature columns."),
        ),
        outputs=(_dataset("scored", "The rows with the scores."),),
        settings_model=ScoreModelSettings,
        role="scores",
    ),
    ComponentDef(
        name="score_registered_model",
        version="1.0.0",
        description=(
            "Batch scoring: predict with a registered model named by its setting model "
            "(model://NAME/VERSION or model://NAME/latest), loaded after its sha256 check. Adds the "
            "same columns as score_model. Never reused from an earlier run: 'latest' may name a new "
            "version. Running it needs models:read."
        ),
        inputs=(_dataset("data", "Rows to score; must hold the model's feature columns."),),
        outputs=(_dataset("scored", "The rows with the scores."),),
        settings_model=ScoreRegisteredModelSettings,
        reusable=False,
    ),
    ComponentDef(
        name="evaluate_model",
        version="1.0.0",
        description=(
            "Compute metrics from a scored dataset. Classification: accuracy, precision, recall, "
            "f1 (binary: for the positive class; multiclass: macro average), roc_auc, log_loss, "
            "confusion_matrix. Regression: mae, rmse, r2. Both: rows."
        ),
        inputs=(_dataset("scored", "Output of score_model, with the true label column."),),
        outputs=(Port(name="metrics", type="metrics", description="The metrics, a JSON object."),),
        settings_model=EvaluateModelSettings,
    ),
]

CATALOG: dict[str, ComponentDef] = {component.name: component for component in _COMPONENTS}


def get_component(name: str) -> ComponentDef | None:
    """The component called `name`, or None."""
    return CATALOG.get(name)


def describe_components() -> list[dict[str, Any]]:
    """Every component as a JSON-serialisable dict, sorted by name."""
    return [CATALOG[name].describe() for name in sorted(CATALOG)]
