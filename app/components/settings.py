"""Settings of the built-in components: one pydantic model per component.

Pure pydantic (no pandas, no scikit-learn): the API validates a pipeline's settings
with these models and reports a `ValidationError` as 422; the worker receives the
validated instances. Every model forbids unknown fields, and every field carries a
description (it becomes the JSON schema the API serves).

A data path is a string `datastore://<datastore>/<path>`; these models only require
the prefix, the API and the worker's StepContext check that it stays inside its
datastore.
"""

from __future__ import annotations

import codecs
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DATASTORE_PATH_PATTERN = r"^datastore://"

FileFormat = Literal["csv", "csv.gz", "csv.bz2", "parquet"]
#: Formats that are compressed CSV: decompressed only when the format says so.
COMPRESSED_CSV = {"csv.gz": "gzip", "csv.bz2": "bz2"}
Task = Literal["classification", "regression"]
Algorithm = Literal[
    "logistic_regression",
    "boosted_decision_tree",
    "random_forest",
    "decision_tree",
    "linear_regression",
    "ridge",
]
Scalar = str | int | float | bool

#: File extensions (lower case) from which `format: null` infers the format.
CSV_EXTENSIONS = (".csv", ".txt", ".data", ".test")
PARQUET_EXTENSIONS = (".parquet", ".pq")


def infer_format(path: str) -> FileFormat | None:
    """The format implied by a path's extension, or None when it implies none."""
    name = path.rsplit("/", 1)[-1].lower()
    for suffix, fmt in ((".gz", "csv.gz"), (".bz2", "csv.bz2")):
        if name.endswith(suffix) and name[:-len(suffix)].endswith(CSV_EXTENSIONS):
            return fmt  # type: ignore[return-value]
    if name.endswith(CSV_EXTENSIONS):
        return "csv"
    if name.endswith(PARQUET_EXTENSIONS):
        return "parquet"
    return None


def _format_or_error(path: str, fmt: FileFormat | None) -> FileFormat:
    if fmt is not None:
        return fmt
    inferred = infer_format(path)
    if inferred is None:
        raise ValueError(
            f"cannot infer the file format of {path!r} from its extension "
            f"(known: {', '.join(CSV_EXTENSIONS)} for csv; {', '.join(PARQUET_EXTENSIONS)} "
            "for parquet); set format to 'csv' or 'parquet'"
        )
    return inferred


def _unique(values: list[str] | None, what: str) -> list[str] | None:
    if values is None:
        return None
    seen: set[str] = set()
    duplicates: list[str] = []
    for value in values:
        if value in seen and value not in duplicates:
            duplicates.append(value)
        seen.add(value)
    if duplicates:
        raise ValueError(f"{what} lists {', '.join(repr(d) for d in duplicates)} more than once")
    return values


class _Settings(BaseModel):
    # NaN and infinities are not settings: JSON has no such numbers, and bounds mean nothing to them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# --------------------------------------------------------------------------- data


class ImportDataSettings(_Settings):
    """Read a CSV or Parquet file from a datastore into a dataset."""

    path: str = Field(
        pattern=DATASTORE_PATH_PATTERN,
        max_length=1024,
        description="File to read, as datastore://<datastore>/<path>, e.g. datastore://default/adult.data.",
    )
    format: FileFormat | None = Field(
        default=None,
        description=(
            "File format; null infers it from the extension (.csv, .txt, .data, .test: csv; the same "
            "with .gz or .bz2: csv.gz, csv.bz2; .parquet, .pq: parquet). A file is decompressed only "
            "when its format is a compressed one, and at most to the service's limit."
        ),
    )
    has_header: bool = Field(
        default=True,
        description="CSV: the first row (after skip_rows) holds the column names.",
    )
    column_names: list[str] | None = Field(
        default=None,
        min_length=1,
        description=(
            "CSV: column names to use, one per column. With has_header=true they replace the "
            "file's header; with has_header=false and null, columns are named column_1, column_2, ..."
        ),
    )
    separator: str = Field(
        default=",",
        min_length=1,
        max_length=10,
        description="CSV: field separator, taken literally (e.g. ',', ';', '\\t', '|').",
    )
    skip_initial_space: bool = Field(
        default=False,
        description="CSV: drop spaces right after the separator (the UCI Adult files use ', ').",
    )
    na_values: list[str] = Field(
        default_factory=list,
        max_length=100,
        description=(
            "CSV: extra markers read as missing, e.g. ['?']. Empty fields, 'NA', 'NaN', 'null' "
            "and pandas' other default markers are always missing."
        ),
    )
    encoding: str = Field(
        default="utf-8",
        min_length=1,
        max_length=40,
        description="CSV: text encoding, e.g. 'utf-8' or 'latin-1'.",
    )
    skip_rows: int = Field(
        default=0,
        ge=0,
        le=1_000_000,
        description="CSV: number of lines to skip at the start of the file (before the header).",
    )

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; use e.g. 'utf-8' or 'latin-1'") from None
        return value

    @field_validator("column_names")
    @classmethod
    def _unique_names(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and any(not name for name in value):
            raise ValueError("column_names must not contain empty names")
        return _unique(value, "column_names")

    @model_validator(mode="after")
    def _format_known(self) -> ImportDataSettings:
        _format_or_error(self.path, self.format)
        return self

    @property
    def resolved_format(self) -> FileFormat:
        """The format given, or the one inferred from the path's extension."""
        return _format_or_error(self.path, self.format)


class ExportDataSettings(_Settings):
    """Write a dataset to a CSV or Parquet file in a datastore."""

    path: str = Field(
        pattern=DATASTORE_PATH_PATTERN,
        max_length=1024,
        description="File to write, as datastore://<datastore>/<path>, e.g. datastore://default/out/scored.csv.",
    )
    format: FileFormat | None = Field(
        default=None,
        description="File format; null infers it from the extension (.csv, .txt, .data, .test: csv; .parquet, .pq: parquet).",
    )
    overwrite: bool = Field(
        default=True,
        description="Replace the file when it exists; false makes the step fail instead.",
    )

    @model_validator(mode="after")
    def _format_known(self) -> ExportDataSettings:
        _format_or_error(self.path, self.format)
        return self

    @property
    def resolved_format(self) -> FileFormat:
        """The format given, or the one inferred from the path's extension."""
        return _format_or_error(self.path, self.format)


# ---------------------------------------------------------------------- transform


class SelectColumnsSettings(_Settings):
    """Keep (include) or drop (exclude) named columns."""

    columns: list[str] = Field(
        min_length=1,
        max_length=10_000,
        description="Column names; with mode=include the output has them in this order.",
    )
    mode: Literal["include", "exclude"] = Field(
        default="include",
        description="include: keep only these columns; exclude: keep all the others.",
    )

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, value: list[str]) -> list[str]:
        return _unique(value, "columns")  # type: ignore[return-value]


class CleanMissingDataSettings(_Settings):
    """Drop rows with missing values, or fill missing values."""

    columns: list[str] | None = Field(
        default=None,
        min_length=1,
        description=(
            "Columns to clean; null means all columns (for mean and median: all numeric columns; "
            "for constant: all columns whose type matches the value)."
        ),
    )
    mode: Literal["drop_rows", "mean", "median", "mode", "constant"] = Field(
        default="drop_rows",
        description=(
            "drop_rows: drop each row with a missing value in the columns; mean/median: fill "
            "numeric columns with the column's mean/median; mode: fill with the most frequent "
            "value (the smallest one on ties); constant: fill with `value`."
        ),
    )
    value: Scalar | None = Field(
        default=None,
        description="The fill value for mode=constant (required then, refused otherwise).",
    )

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, value: list[str] | None) -> list[str] | None:
        return _unique(value, "columns")

    @model_validator(mode="after")
    def _value_matches_mode(self) -> CleanMissingDataSettings:
        if self.mode == "constant" and self.value is None:
            raise ValueError("mode 'constant' needs a value to fill missing values with")
        if self.mode != "constant" and self.value is not None:
            raise ValueError(
                f"value is only used with mode 'constant' (mode is {self.mode!r}); remove value or set mode to 'constant'"
            )
        return self


class NormalizeDataSettings(_Settings):
    """Rescale numeric columns (z-score or min-max)."""

    columns: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Numeric columns to rescale; null means all numeric (non-boolean) columns.",
    )
    method: Literal["zscore", "minmax"] = Field(
        default="zscore",
        description=(
            "zscore: (x - mean) / std, with the population std (ddof=0, as scikit-learn's "
            "StandardScaler); minmax: (x - min) / (max - min), into [0, 1]. A constant column "
            "becomes 0. Missing values stay missing."
        ),
    )

    @field_validator("columns")
    @classmethod
    def _unique_columns(cls, value: list[str] | None) -> list[str] | None:
        return _unique(value, "columns")


ConditionOperator = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not_in"]


class SplitCondition(_Settings):
    """A row condition: `<column> <operator> <value>`."""

    column: str = Field(min_length=1, description="Column the condition tests.")
    operator: ConditionOperator = Field(
        description="Comparison: ==, !=, <, <=, >, >=, in, not_in.",
    )
    value: Scalar | list[Scalar] = Field(
        description=(
            "Value to compare with: a single value, or a non-empty list for in / not_in. "
            "A row whose value is missing never matches (it goes to test)."
        ),
    )

    @model_validator(mode="after")
    def _value_matches_operator(self) -> SplitCondition:
        if self.operator in ("in", "not_in"):
            if not isinstance(self.value, list):
                raise ValueError(f"operator {self.operator!r} needs a list of values, e.g. [\"a\", \"b\"]")
            if not self.value:
                raise ValueError(f"operator {self.operator!r} needs at least one value")
        elif isinstance(self.value, list):
            raise ValueError(f"operator {self.operator!r} needs a single value; use 'in' or 'not_in' for a list")
        if self.operator in ("<", "<=", ">", ">=") and isinstance(self.value, bool):
            raise ValueError(f"operator {self.operator!r} cannot compare with a boolean")
        return self

    def describe(self) -> str:
        return f"{self.column} {self.operator} {self.value!r}"


class SplitDataSettings(_Settings):
    """Split rows into train and test, by a random fraction or by a condition."""

    mode: Literal["fraction", "condition"] = Field(
        default="fraction",
        description=(
            "fraction: a random share of the rows goes to train, exactly as scikit-learn's "
            "train_test_split(df, train_size=fraction, random_state=seed, shuffle=shuffle, "
            "stratify=df[stratify_column]); condition: matching rows go to train, the rest to test."
        ),
    )
    fraction: float = Field(
        default=0.7,
        gt=0,
        lt=1,
        description="mode=fraction: share of the rows that goes to train (0 < fraction < 1).",
    )
    seed: int = Field(
        default=0,
        ge=0,
        le=2**32 - 1,
        description="mode=fraction: random seed of the shuffle.",
    )
    shuffle: bool = Field(
        default=True,
        description="mode=fraction: shuffle before splitting; false takes the first rows for train.",
    )
    stratify_column: str | None = Field(
        default=None,
        min_length=1,
        description="mode=fraction: keep this column's class proportions in both outputs (needs shuffle).",
    )
    condition: SplitCondition | None = Field(
        default=None,
        description='mode=condition: the condition, e.g. {"column": "native-country", "operator": "==", "value": "United-States"}.',
    )

    @model_validator(mode="after")
    def _mode_fields(self) -> SplitDataSettings:
        if self.mode == "condition":
            if self.condition is None:
                raise ValueError(
                    'mode \'condition\' needs a condition, e.g. {"column": "age", "operator": ">=", "value": 40}'
                )
            if self.stratify_column is not None:
                raise ValueError("stratify_column only applies to mode 'fraction'")
        else:
            if self.condition is not None:
                raise ValueError("condition only applies to mode 'condition'; set mode to 'condition' or remove it")
            if self.stratify_column is not None and not self.shuffle:
                raise ValueError("a stratified split needs shuffle=true (scikit-learn cannot stratify without shuffling)")
        return self


# -------------------------------------------------------------------------- train


class _Hyperparameters(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class LogisticRegressionHyperparameters(_Hyperparameters):
    C: float = Field(default=1.0, gt=0, le=1e12, description="Inverse regularisation strength (smaller: stronger).")
    max_iter: int = Field(default=1000, ge=1, le=100_000, description="Maximum solver iterations.")


class BoostedDecisionTreeHyperparameters(_Hyperparameters):
    learning_rate: float = Field(default=0.1, gt=0, le=10, description="Shrinkage of each tree's contribution.")
    max_iter: int = Field(default=100, ge=1, le=10_000, description="Number of boosting iterations (trees per class).")
    max_leaf_nodes: int = Field(default=31, ge=2, le=100_000, description="Maximum leaves per tree.")
    max_depth: int | None = Field(default=None, ge=1, le=1_000, description="Maximum tree depth; null: unlimited.")
    l2_regularization: float = Field(default=0.0, ge=0, le=1e12, description="L2 regularisation of leaf values.")
    min_samples_leaf: int = Field(default=20, ge=1, le=10_000_000, description="Minimum rows per leaf.")


class RandomForestHyperparameters(_Hyperparameters):
    n_estimators: int = Field(default=100, ge=1, le=5_000, description="Number of trees.")
    max_depth: int | None = Field(default=None, ge=1, le=1_000, description="Maximum tree depth; null: unlimited.")
    min_samples_leaf: int = Field(default=1, ge=1, le=10_000_000, description="Minimum rows per leaf.")


class DecisionTreeHyperparameters(_Hyperparameters):
    max_depth: int | None = Field(default=None, ge=1, le=1_000, description="Maximum tree depth; null: unlimited.")
    min_samples_leaf: int = Field(default=1, ge=1, le=10_000_000, description="Minimum rows per leaf.")


class LinearRegressionHyperparameters(_Hyperparameters):
    fit_intercept: bool = Field(default=True, description="Fit an intercept term.")


class RidgeHyperparameters(_Hyperparameters):
    alpha: float = Field(default=1.0, ge=0, le=1e12, description="L2 regularisation strength.")


HYPERPARAMETER_MODELS: dict[str, type[BaseModel]] = {
    "logistic_regression": LogisticRegressionHyperparameters,
    "boosted_decision_tree": BoostedDecisionTreeHyperparameters,
    "random_forest": RandomForestHyperparameters,
    "decision_tree": DecisionTreeHyperparameters,
    "linear_regression": LinearRegressionHyperparameters,
    "ridge": RidgeHyperparameters,
}

#: The tasks each algorithm supports.
ALGORITHM_TASKS: dict[str, tuple[str, ...]] = {
    "logistic_regression": ("classification",),
    "boosted_decision_tree": ("classification", "regression"),
    "random_forest": ("classification", "regression"),
    "decision_tree": ("classification", "regression"),
    "linear_regression": ("regression",),
    "ridge": ("regression",),
}


def validate_hyperparameters(algorithm: str, hyperparameters: dict[str, Any]) -> dict[str, Any]:
    """The effective hyperparameters (defaults filled in) of `algorithm`.

    Raises ValueError with one readable line per problem, naming the hyperparameter.
    """
    model = HYPERPARAMETER_MODELS.get(algorithm)
    if model is None:
        raise ValueError(f"unknown algorithm {algorithm!r}; known: {', '.join(HYPERPARAMETER_MODELS)}")
    try:
        return model.model_validate(hyperparameters).model_dump()
    except ValidationError as exc:
        allowed = ", ".join(model.model_fields)
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "hyperparameters"
            if error["type"] == "extra_forbidden":
                problems.append(f"unknown hyperparameter {name!r} for {algorithm} (allowed: {allowed})")
            else:
                problems.append(
                    f"hyperparameter {name!r} of {algorithm}: {error['msg']} (got {error.get('input')!r})"
                )
        raise ValueError("; ".join(problems)) from None


def _algorithm_schemas() -> dict[str, Any]:
    return {name: model.model_json_schema() for name, model in HYPERPARAMETER_MODELS.items()}


class TrainModelSettings(_Settings):
    """Fit a scikit-learn model; see the train_model component's description for the recipe."""

    label_column: str = Field(min_length=1, description="Column to predict.")
    feature_columns: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Columns the model uses; null means every column except the label.",
    )
    task: Task | None = Field(
        default=None,
        description=(
            "classification or regression; null infers it: a text or boolean label, or an "
            "integer label with at most 20 distinct values, means classification; otherwise regression."
        ),
    )
    algorithm: Algorithm = Field(
        description=(
            "logistic_regression (classification), linear_regression and ridge (regression), "
            "boosted_decision_tree (HistGradientBoosting, with its native support for categories and "
            "missing values), random_forest, decision_tree (both tasks)."
        ),
    )
    hyperparameters: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Algorithm hyperparameters; unset ones take their defaults. logistic_regression: C, max_iter; "
            "boosted_decision_tree: learning_rate, max_iter, max_leaf_nodes, max_depth, l2_regularization, "
            "min_samples_leaf; random_forest: n_estimators, max_depth, min_samples_leaf; decision_tree: "
            "max_depth, min_samples_leaf; linear_regression: fit_intercept; ridge: alpha."
        ),
        json_schema_extra={"x-hyperparameters-by-algorithm": _algorithm_schemas()},
    )
    seed: int = Field(
        default=0,
        ge=0,
        le=2**32 - 1,
        description="random_state of the estimator, where it has one.",
    )

    @field_validator("feature_columns")
    @classmethod
    def _unique_features(cls, value: list[str] | None) -> list[str] | None:
        return _unique(value, "feature_columns")

    @model_validator(mode="after")
    def _algorithm_fits(self) -> TrainModelSettings:
        if self.task is not None and self.task not in ALGORITHM_TASKS[self.algorithm]:
            suitable = [a for a, tasks in ALGORITHM_TASKS.items() if self.task in tasks]
            raise ValueError(
                f"algorithm {self.algorithm!r} does not do {self.task}; for {self.task} use one of: "
                + ", ".join(suitable)
            )
        if self.feature_columns is not None and self.label_column in self.feature_columns:
            raise ValueError(f"the label column {self.label_column!r} cannot also be a feature column")
        # Normalise the given values (e.g. "0.5" -> 0.5) and reject unknown or out-of-bounds ones.
        effective = validate_hyperparameters(self.algorithm, self.hyperparameters)
        self.hyperparameters = {name: effective[name] for name in self.hyperparameters}
        return self

    def effective_hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter of the algorithm, defaults filled in."""
        return validate_hyperparameters(self.algorithm, self.hyperparameters)


# ----------------------------------------------------------------------- evaluate


class ScoreModelSettings(_Settings):
    """Add predictions of a trained model to a dataset."""

    include_features: bool = Field(
        default=True,
        description="Keep all input columns; false keeps only the label column (if present) and the scores.",
    )


MODEL_REF = r"^model://([A-Za-z0-9][A-Za-z0-9._\-]{0,199})/(latest|[1-9][0-9]{0,9})$"


class ScoreRegisteredModelSettings(_Settings):
    """Add predictions of a registered model to a dataset (batch scoring)."""

    model: str = Field(
        pattern=MODEL_REF, max_length=230,
        description="model://NAME/VERSION, or model://NAME/latest (the newest version when the step "
                    "starts); usually a pipeline parameter, so that each run may name another",
    )
    include_features: bool = Field(
        default=True,
        description="Keep all input columns; false keeps only the label column (if present) and the scores.",
    )


class EvaluateModelSettings(_Settings):
    """Compute metrics from a scored dataset."""

    label_column: str | None = Field(
        default=None,
        min_length=1,
        description="Column with the true values; null takes the label column recorded by score_model.",
    )
    positive_class: str | int | None = Field(
        default=None,
        description=(
            "Binary classification: the class precision, recall, f1 and roc_auc are computed for "
            "(matched by its text form); null means the last class in sorted order (e.g. '>50K')."
        ),
    )
