// @ts-check
// GENERATED from openapi/openapi.json by `python -m app.studio.typedefs`: do not edit.
// The API's schemas as JSDoc types, and the enums the studio shows, read from the spec.

/**
 * A file in one of the workspace's datastores: datastore://DataStoreName/RelativePath.
 * @typedef {Object} AzureDataPath
 * @property {string} DataStoreName The datastore's name, e.g. `default`
 * @property {string} RelativePath The file's path in the datastore
 */

/**
 * A run as Azure ML answers a pipeline run (the fields Azure callers read).
 * @typedef {Object} AzurePipelineRun
 * @property {string} CreatedTime
 * @property {Object<string, AzureDataPath>} DataPathAssignments The data paths the run used
 * @property {string | null} Description
 * @property {string | null} EndTime
 * @property {string | null} ExperimentName
 * @property {string} Id Our run id: GET /runs/{Id} shows the run in full
 * @property {Object<string, *>} ParameterAssignments Every value the run used but data paths
 * @property {string | null} ParentRunId
 * @property {string | null} PipelineEndpointId Our endpoint id (null: a draft's run)
 * @property {string | null} PipelineId The published_pipeline_id of the version run (null: a draft's run)
 * @property {string | null} PipelineVersion Our version number, as a string
 * @property {string | null} RunSource
 * @property {string | null} StartTime
 * @property {AzureRunStatus} Status
 * @property {Object<string, string> | null} Tags
 */

/**
 * @typedef {Object} AzureRunStatus
 * @property {string} CreationTime
 * @property {string | null} EndTime
 * @property {"NotStarted" | "Running" | "Finished" | "Failed" | "Canceled"} StatusCode
 * @property {string | null} StatusDetail Why it failed (the step and the cause), or null
 */

/**
 * The body of a published pipeline's or pipeline endpoint's submit, as Azure ML's SDK, REST examples and Logic Apps send it. Every key is optional.
 * @typedef {Object} AzureSubmitRequest
 * @property {Object<string, AzureDataPath>} [DataPathAssignments] Values of data_path parameters: {"DataStoreName": "d", "RelativePath": "p"} is datastore://d/p
 * @property {Object<string, *> | null} [DataSetDefinitionValueAssignments] Azure datasets: refused (422) unless empty; name the data with DataPathAssignments instead
 * @property {string | null} [Description] Kept on the run
 * @property {string | null} [ExperimentName] Our `experiment`
 * @property {Object<string, *>} [ParameterAssignments] Our `parameters`; a string value is converted to its parameter's type ("20" for an integer, "true" for a boolean), as Azure does
 * @property {string | null} [ParentRunId] Kept on the run, as given
 * @property {string | number | null} [PipelineVersion] PipelineEndpointSubmit only: our version number (1, 2, ...; Azure counts from 0); defaults to the endpoint's default version
 * @property {string | null} [RunSource] Kept on the run (e.g. `SDK`)
 * @property {Object<string, string> | null} [Tags] Kept on the run
 * @property {boolean | null} [continueOnStepFailure] Accepted and ignored: a run stops at its first failed step
 */

/**
 * @typedef {Object} Bin
 * @property {number} count
 * @property {number} high
 * @property {number} low
 */

/**
 * @typedef {Object} ColumnSummary
 * @property {number} distinct Distinct values among the rows read
 * @property {string} dtype The column's type as read (pandas dtype)
 * @property {Array<Bin> | null} [histogram] Numbers: counts in equal-width bins
 * @property {"number" | "boolean" | "datetime" | "text" | "empty"} kind
 * @property {number | null} [max]
 * @property {number | null} [mean]
 * @property {number | null} [min]
 * @property {number} missing Missing values among the rows read
 * @property {string} name
 * @property {number | null} [others] Non-missing values not among `top`
 * @property {Array<ValueCount> | null} [top] Other kinds: the most frequent values
 */

/**
 * @typedef {Object} DataInput
 * @property {string} path
 * @property {string} sha256
 * @property {number} size
 * @property {string} step
 */

/**
 * @typedef {Object} DatastoreCreate
 * @property {string | null} [access_key_id] With secret_access_key: the datastore's own credentials, stored encrypted and never returned; unset: the service's
 * @property {string | null} [description]
 * @property {string | null} [endpoint_url] S3-compatible endpoint (kind s3), one that RETRAINER_S3_DATASTORE_ENDPOINTS allows; unset: the service's RETRAINER_S3_ENDPOINT_URL
 * @property {"local" | "s3"} [kind] `local`: kept in the service's own storage (RETRAINER_ARTIFACT_URL); `s3`: a bucket and prefix of its own
 * @property {string} name
 * @property {string | null} [region]
 * @property {string | null} [secret_access_key]
 * @property {string | null} [session_token]
 * @property {string | null} [url] `s3://bucket/prefix` (kind s3); the bucket must exist
 */

/**
 * @typedef {Object} DatastoreOut
 * @property {string} created_at
 * @property {string | null} description
 * @property {string | null} [endpoint_url]
 * @property {boolean} [has_credentials] Credentials of its own are stored (never shown)
 * @property {string} id
 * @property {string} [kind]
 * @property {string} name
 * @property {string | null} [region]
 * @property {string | null} [url] s3://bucket/prefix (kind s3)
 */

/**
 * @typedef {Object} DatastorePage
 * @property {Array<DatastoreOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} DeliveryOut
 * @property {number} attempt Attempts made so far
 * @property {string} created_at
 * @property {boolean} delivered
 * @property {number | null} duration_ms
 * @property {string | null} error Why the last attempt failed
 * @property {EventType} event
 * @property {string} event_id The webhook-id header: the same on every attempt
 * @property {string} id
 * @property {string | null} last_attempt_at
 * @property {string | null} next_attempt_at When the next attempt is due (null: none is)
 * @property {number | null} status_code The receiver's answer to the last attempt (null: none)
 */

/**
 * @typedef {Object} DeliveryPage
 * @property {Array<DeliveryOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} DeploymentCreate
 * @property {boolean} [enabled]
 * @property {boolean} [follow] Move to each new version of the model that passes the gate
 * @property {Gate | null} [gate] With follow: true (default gate when left out)
 * @property {string} model A registered model's name
 * @property {Monitor | null} [monitor] Log predictions and measure drift (null: not)
 * @property {string} name Unique in the workspace; the prediction route's name
 * @property {number | null} [version] The version to serve; with follow: the first champion (default: the latest)
 */

/**
 * @typedef {Object} DeploymentOut
 * @property {Array<*> | null} classes
 * @property {string} created_at
 * @property {boolean} enabled
 * @property {boolean} follow
 * @property {Gate | null} gate
 * @property {string} id The runs a drift episode submits name it as their trigger (GET /runs?trigger_id=)
 * @property {Array<InputColumn>} input_schema The columns a row must hold, recorded at training
 * @property {string | null} label_column
 * @property {string} model
 * @property {Monitor | null} monitor
 * @property {string} name
 * @property {string} predict_url
 * @property {string | null} task classification or regression
 * @property {string} updated_at
 * @property {number} version The version serving now
 */

/**
 * @typedef {Object} DeploymentPage
 * @property {Array<DeploymentOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * Fields left out are left as they are.
 * @typedef {Object} DeploymentPatch
 * @property {boolean | null} [enabled]
 * @property {boolean | null} [follow]
 * @property {Gate | null} [gate]
 * @property {Monitor | null} [monitor] null: stop logging predictions
 * @property {number | null} [version] Serve this version now (lower than the current one: a rollback)
 */

/**
 * @typedef {Object} DriftBin
 * @property {number} current The share of the logged rows in this bin
 * @property {string} label A number column's bin (the reference's quantiles), or a category; "other" and "missing" last
 * @property {number} reference The share of the training rows in this bin
 */

/**
 * @typedef {Object} DriftCheckOut
 * @property {string} at When the check was recorded
 * @property {Array<DriftColumn>} columns
 * @property {boolean} drifted
 * @property {boolean} enough_rows
 * @property {string | null} episode_id The check that began the episode this one is part of
 * @property {boolean} episode_started This check began a drift episode (the webhook event deployment.drift_detected was sent for it)
 * @property {string} id
 * @property {string | null} [message]
 * @property {DriftColumn | null} [prediction]
 * @property {string | null} retrain_note Why no retrain was submitted (cooldown, refused, ...)
 * @property {number} rows
 * @property {string | null} run_id The retrain run this check submitted
 * @property {string | null} [since] The window measured (the last 24 hours)
 * @property {string | null} [until]
 * @property {number} version
 */

/**
 * @typedef {Object} DriftCheckPage
 * @property {Array<DriftCheckOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} DriftColumn
 * @property {Array<DriftBin>} [bins] What the metric compares, bin by bin
 * @property {boolean} drifted
 * @property {"number" | "category"} kind
 * @property {"psi" | "js"} metric
 * @property {number | null} missing_rate Of the logged rows
 * @property {string} name
 * @property {number | null} reference_missing_rate Of the training rows
 * @property {number} threshold
 * @property {number} value
 */

/**
 * @typedef {Object} DriftOut
 * @property {Array<DriftColumn>} columns
 * @property {boolean} drifted
 * @property {boolean} enough_rows false: fewer rows than RETRAINER_DRIFT_MIN_ROWS; nothing is measured
 * @property {string | null} [message]
 * @property {DriftColumn | null} [prediction] The predictions of the serving version's logged rows against its predictions on its training rows
 * @property {number} reference_rows Training rows of the serving version
 * @property {number} rows Logged rows in the window
 * @property {string} since
 * @property {string} until
 * @property {number} version The serving version, whose reference profile the rows are compared with
 */

/**
 * @typedef {Object} DryRunOut
 * @property {string} endpoint_id
 * @property {Object<string, *>} parameters Every value a run would use, defaults included
 * @property {string} pipeline_digest
 * @property {number} version
 */

/**
 * @typedef {Object} EndpointCreate
 * @property {string | null} [description]
 * @property {string} name Unique in the workspace; usable wherever an id is
 */

/**
 * @typedef {Object} EndpointOut
 * @property {string} created_at
 * @property {number | null} default_version
 * @property {string | null} description
 * @property {boolean} enabled
 * @property {string} id
 * @property {number | null} latest_version
 * @property {number | null} [max_concurrent_runs] Runs that may run at once; null: no limit
 * @property {string} name
 * @property {string | null} [queue] The workspace's queue of its runs; null: the service's
 * @property {number | null} time_limit_seconds Time limit of its runs; null: the service's default
 * @property {string} updated_at
 */

/**
 * @typedef {Object} EndpointPage
 * @property {Array<EndpointOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} EndpointPatch
 * @property {number | null} [default_version]
 * @property {string | null} [description]
 * @property {boolean | null} [enabled]
 * @property {number | null} [max_concurrent_runs] At most this many of its runs run at once, across workers; the others wait, queued, and start in the order they were submitted. null: no limit
 * @property {string | null} [queue] A queue of this workspace for this endpoint's runs (e.g. `gpu`), served by workers started with `retrainer worker --queue NAME --workspace WORKSPACE`; no other workspace's runs go there. null restores the service's queue (RETRAINER_QUEUE)
 * @property {number | null} [time_limit_seconds] Time limit of this endpoint's runs, over the service's default; null restores the default
 */

/**
 * @typedef {Object} EndpointRunRequest
 * @property {string | null} [experiment]
 * @property {Object<string, *>} [parameters] Values for the version's parameters; unset ones take their defaults
 * @property {boolean} [regenerate] Run every step again; reuse no earlier outputs
 * @property {number | null} [version] Defaults to the endpoint's default version
 */

/**
 * @typedef {"run.started" | "run.succeeded" | "run.failed" | "run.canceled" | "deployment.promoted" | "deployment.held" | "trigger.skipped" | "deployment.drift_detected"} EventType
 */

/**
 * @typedef {Object} FeedbackItem
 * @property {string | number | boolean} label The true label (a class, or a number for a regression)
 * @property {string} prediction_id From a predict answer's prediction_ids
 */

/**
 * @typedef {Object} FeedbackOut
 * @property {number} recorded Items whose label was recorded or changed
 * @property {number} unchanged Items already recorded with the same label
 */

/**
 * @typedef {Object} FeedbackRequest
 * @property {Array<FeedbackItem>} items
 */

/**
 * @typedef {Object} FileOut
 * @property {string | null} modified_at
 * @property {string} path
 * @property {number} size
 * @property {string} uri
 */

/**
 * @typedef {Object} FilePage
 * @property {Array<FileOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} FileUploaded
 * @property {string} path
 * @property {string} sha256
 * @property {number} size
 * @property {string} uri the data path to use in pipelines
 */

/**
 * @typedef {Object} FiringOut
 * @property {string} at When it was recorded
 * @property {string} id
 * @property {"submitted" | "skipped" | "waiting"} outcome `waiting`: overlap `queue`, submitted when the previous run ends
 * @property {string | null} path data: the new or changed file
 * @property {string | null} reason Why it was skipped
 * @property {string | null} run_id
 * @property {string | null} sha256 data: its content hash
 * @property {string | null} slot schedule: the slot (UTC)
 */

/**
 * @typedef {Object} FiringPage
 * @property {Array<FiringOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * When a followed model registers a new version, champion and challenger are scored on the same rows; the challenger serves only if its metric >= the champion's + min_delta.
 * @typedef {Object} Gate
 * @property {string | null} [holdout] datastore:// path of a CSV (with a header) or Parquet file holding the features and the label; without it, the test split recorded by the champion's own run (never the challenger's). A champion scoring below chance, or more than 0.2 below its recorded score, on these rows holds the gate
 * @property {("roc_auc" | "accuracy" | "balanced_accuracy" | "f1" | "r2") | null} [metric] Higher is better. Default: roc_auc for binary classification, accuracy for multiclass, r2 for regression
 * @property {number} [min_delta] How much better the challenger must be (may be negative)
 */

/**
 * Metric names that clients show first, in this order, when they list a run's or a model's metrics (the evaluate step may report others too)
 * @typedef {"roc_auc" | "accuracy" | "f1" | "precision" | "recall" | "log_loss" | "r2" | "rmse" | "mae"} HeadlineMetric
 */

/**
 * @typedef {Object} HistoryEntry
 * @property {string} at
 * @property {number | null} from_version
 * @property {string | null} message Why, in words: what changed, or why the gate held
 * @property {Object<string, *> | null} metrics When the gate scored: {metric, rows, rows_from, champion: {...}, challenger: {...}}
 * @property {"created" | "manual" | "promoted" | "held" | "rollback"} reason
 * @property {string | null} run_id The run that registered the challenger
 * @property {number | null} to_version
 */

/**
 * @typedef {Object} HistoryPage
 * @property {Array<HistoryEntry>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} InputColumn
 * @property {"number" | "category" | "any"} kind number: a JSON number (or null); category: a string or boolean (or null); any: a model registered before kinds were recorded
 * @property {string} name
 */

/**
 * @typedef {Object} Lineage
 * @property {Array<DataInput>} data
 * @property {string | null} endpoint_id
 * @property {number | null} endpoint_version
 * @property {Object<string, *>} parameters
 * @property {string} pipeline_digest
 * @property {string | null} pipeline_id
 * @property {string} run_id
 * @property {string} step
 */

/**
 * @typedef {Object} Me
 * @property {string} id
 * @property {string} kind user or service_principal
 * @property {string} name
 * @property {Array<string>} scopes
 * @property {string} workspace
 * @property {string} workspace_id
 */

/**
 * @typedef {Object} ModelPage
 * @property {Array<ModelSummary>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} ModelRef
 * @property {string} name
 * @property {number} version
 */

/**
 * @typedef {Object} ModelSummary
 * @property {number} latest_version
 * @property {string} name
 * @property {string} updated_at
 * @property {number} versions
 */

/**
 * @typedef {Object} ModelVersionOut
 * @property {string | null} algorithm
 * @property {Array<*> | null} classes
 * @property {string} created_at
 * @property {string} download_url
 * @property {Array<string> | null} feature_columns
 * @property {Object<string, *> | null} hyperparameters
 * @property {string | null} label_column
 * @property {Object<string, string>} library_versions
 * @property {Lineage} lineage
 * @property {Object<string, *> | null} metrics
 * @property {string} name
 * @property {Object<string, *> | null} [reference_profile] The training rows' distribution, which a deployment's drift is measured against: {rows, bins, top_categories, columns: {name: {kind, missing, edges and counts | values and other}}, prediction}; null for a model trained before profiles were recorded
 * @property {string} sha256
 * @property {number} size
 * @property {string | null} task
 * @property {number} version
 */

/**
 * @typedef {Object} ModelVersionPage
 * @property {Array<ModelVersionOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * What a deployment watches: its predictions logged (a sample of them) to measure drift.
 * @typedef {Object} Monitor
 * @property {number | null} [check_every_seconds] How often the scheduler checks drift over the last 24 hours of logged rows (at least RETRAINER_MIN_TRIGGER_SECONDS); null: no scheduled checks
 * @property {boolean} [log_predictions] Log the rows scored and the answers, off the request path, to the artifact store
 * @property {Retrain | null} [retrain] The run a drift episode submits (null: none)
 * @property {number} [sample] The share of the rows logged, drawn at random per row
 * @property {Thresholds} [thresholds]
 */

/**
 * @typedef {Object} OAuthErrorBody
 * @property {string} error invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type or temporarily_unavailable
 * @property {string} error_description
 */

/**
 * @typedef {Object} OutputList
 * @property {Array<OutputOut>} items
 */

/**
 * @typedef {Object} OutputOut
 * @property {string} media_type
 * @property {string} port
 * @property {string} sha256
 * @property {number} size
 * @property {string} step
 * @property {string} type
 * @property {string} url
 */

/**
 * @typedef {Object} ParameterSpec
 * @property {(Array<string | number>) | null} [choices] enum only
 * @property {*} [default]
 * @property {string | null} [description]
 * @property {number | null} [maximum] integer and number only
 * @property {number | null} [minimum] integer and number only
 * @property {"string" | "integer" | "number" | "boolean" | "data_path" | "enum"} type
 */

/**
 * @typedef {Object} PerformanceOut
 * @property {Object<string, VersionPerformance>} metrics Per serving version (its number as the key)
 * @property {number} rows Labelled predictions in the window
 * @property {string} since
 * @property {string} until
 */

/**
 * @typedef {Object} PipelineOut
 * @property {string} created_at
 * @property {string | null} description
 * @property {string} digest
 * @property {string} id
 * @property {Object<string, StepPosition> | null} layout Where the studio draws each step; null: laid out automatically
 * @property {string} name
 * @property {Object<string, ParameterSpec>} parameters
 * @property {Object<string, StepSpec>} steps
 * @property {string} updated_at
 */

/**
 * @typedef {Object} PipelinePage
 * @property {Array<PipelineOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * What a user writes: parameters and a graph of steps. A draft may have no steps yet (the studio starts from an empty one); running or publishing it is refused.
 * @typedef {Object} PipelineSpec
 * @property {string | null} [description]
 * @property {Object<string, StepPosition> | null} [layout] Where the studio draws each step ({step: {x, y}}, pixels from the top left); only steps of this pipeline; ignored by execution and by the digest
 * @property {string} name
 * @property {Object<string, ParameterSpec>} [parameters]
 * @property {Object<string, StepSpec>} [steps]
 */

/**
 * @typedef {Object} PredictOut
 * @property {Array<*> | null} [classes] Classifiers: the order of each probabilities row
 * @property {ModelRef} model The model version that answered
 * @property {(Array<string | null>) | null} [prediction_ids] With monitor.log_predictions: one per row, the id its feedback names; null for a row the sample left out
 * @property {Array<*>} predictions
 * @property {Array<Array<number>> | null} [probabilities]
 */

/**
 * Or a text/csv body whose first line names the columns.
 * @typedef {Object} PredictRequest
 * @property {Array<Object<string, *>>} rows One object per row: column -> value
 */

/**
 * @typedef {Object} Preview
 * @property {Array<ColumnSummary>} columns At most 100 columns, in the file's order
 * @property {number} columns_total
 * @property {boolean} complete Whether the summaries cover every row of the file
 * @property {string} format
 * @property {Array<Array<*>>} rows The first rows, one value per column of `columns` (text cut at 200 characters)
 * @property {number} rows_read Rows the column summaries cover
 */

/**
 * RFC 9457 problem details, as every error of the API is answered.
 * @typedef {Object} ProblemDetails
 * @property {string} detail
 * @property {Array<ProblemError> | null} [errors]
 * @property {string | null} [instance]
 * @property {number} status
 * @property {string} title
 * @property {string} type
 */

/**
 * @typedef {Object} ProblemError
 * @property {Array<string | number>} loc
 * @property {string} msg
 */

/**
 * @typedef {Object} RedeliveryAccepted
 * @property {string} id
 * @property {string} next_attempt_at
 */

/**
 * @typedef {Object} RerunRequest
 * @property {string | null} [experiment]
 * @property {Object<string, *>} [parameters] Overrides of the original run's parameter values
 * @property {boolean} [regenerate] Run every step again; reuse no earlier outputs
 */

/**
 * The run a drift episode submits: one per episode, at most one per cooldown. It acts for the principal that set it (who needs runs:write), and names itself on the run as its trigger: {"id": deployment id, "name": deployment name, "kind": "drift", "check"}.
 * @typedef {Object} Retrain
 * @property {number} [cooldown_seconds] No second retrain within this many seconds of the last one
 * @property {string} endpoint The endpoint to run (id or name), in this workspace
 * @property {Object<string, *>} [parameters] As in a run request
 */

/**
 * What a run did to a deployment that follows the model it registered.
 * @typedef {Object} RunDeploymentEffect
 * @property {string} deployment
 * @property {number | null} from_version
 * @property {string | null} message
 * @property {Object<string, *> | null} metrics
 * @property {"promoted" | "held"} reason
 * @property {number | null} to_version
 */

/**
 * @typedef {Object} RunError
 * @property {string} message
 * @property {string | null} step
 */

/**
 * @typedef {Object} RunOut
 * @property {number} attempt How many times a worker took the run (more than 1: a worker was lost)
 * @property {string} created_at
 * @property {Array<RunDeploymentEffect> | null} [deployments] What the run did to the deployments that follow the model it registered: promoted or held; null for a caller without deployments:read
 * @property {string | null} [description] What its submitter said about it
 * @property {string | null} endpoint_id
 * @property {number | null} endpoint_version
 * @property {RunError | null} error
 * @property {string | null} experiment
 * @property {string | null} finished_at
 * @property {string} id
 * @property {Object<string, *> | null} metrics
 * @property {ModelRef | null} model
 * @property {Object<string, *>} parameters
 * @property {string | null} [parent_run_id] The run its submitter says started it (an Azure ML caller's ParentRunId), as given
 * @property {string} pipeline_digest
 * @property {string | null} pipeline_id
 * @property {boolean} regenerate
 * @property {string | null} [run_source] Where its submitter says it comes from (an Azure ML caller's RunSource, e.g. SDK)
 * @property {string | null} started_at
 * @property {string} status
 * @property {Array<StepOut>} steps
 * @property {Object<string, string> | null} [tags] Its submitter's labels
 * @property {RunTrigger | null} [trigger] The trigger that started it; null otherwise
 */

/**
 * @typedef {Object} RunPage
 * @property {Array<RunOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} RunRequest
 * @property {string | null} [experiment]
 * @property {Object<string, *>} [parameters] Values for the pipeline's parameters; unset ones take their defaults
 * @property {boolean} [regenerate] Run every step again; reuse no earlier outputs
 */

/**
 * @typedef {"queued" | "running" | "succeeded" | "failed" | "canceled"} RunStatus
 */

/**
 * Why a trigger started the run: its schedule slot, the file that arrived, or the drift check of a deployment (kind drift: id and name are the deployment's).
 * @typedef {Object} RunTrigger
 * @property {string | null} [check] kind drift: the drift check that began the episode (GET /deployments/{name}/drift/checks)
 * @property {string} id
 * @property {string} kind schedule | data | drift
 * @property {string} name
 * @property {string | null} [path] The new or changed file (datastore://...)
 * @property {string | null} [slot] The schedule's slot (UTC)
 */

/**
 * @typedef {"pipelines:read" | "pipelines:write" | "endpoints:read" | "endpoints:write" | "runs:read" | "runs:write" | "models:read" | "data:read" | "data:write" | "deployments:read" | "deployments:write" | "triggers:read" | "triggers:write" | "predict" | "webhooks:read" | "webhooks:write" | "admin"} Scope
 */

/**
 * @typedef {Object} ServicePrincipalCreate
 * @property {string} name
 * @property {Array<Scope>} scopes
 */

/**
 * @typedef {Object} ServicePrincipalCreated
 * @property {string} client_id
 * @property {string} client_secret Shown only in this response; store it now.
 * @property {string} created_at
 * @property {string} id
 * @property {string} name
 * @property {string | null} [revoked_at]
 * @property {Array<string>} scopes
 */

/**
 * @typedef {Object} ServicePrincipalOut
 * @property {string} client_id
 * @property {string} created_at
 * @property {string} id
 * @property {string} name
 * @property {string | null} [revoked_at]
 * @property {Array<string>} scopes
 */

/**
 * @typedef {Object} ServicePrincipalPage
 * @property {Array<ServicePrincipalOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} StepOut
 * @property {string} component
 * @property {string} component_version
 * @property {string | null} error
 * @property {string | null} finished_at
 * @property {Object<string, *> | null} metrics
 * @property {string} name
 * @property {string | null} reused_from
 * @property {string | null} started_at
 * @property {string} status
 */

/**
 * @typedef {Object} StepPosition
 * @property {number} x
 * @property {number} y
 */

/**
 * @typedef {Object} StepSpec
 * @property {string} component
 * @property {string | null} [description]
 * @property {Object<string, string>} [inputs] input port -> "<step>.<port>" of an upstream step
 * @property {Object<string, *>} [settings]
 */

/**
 * @typedef {Object} Thresholds
 * @property {number} [js] A category column drifted when its Jensen-Shannon distance (base 2) is at least this
 * @property {number} [psi] A number column drifted when its population stability index is at least this
 */

/**
 * @typedef {Object} TokenResponse
 * @property {string} access_token
 * @property {number} expires_in
 * @property {string} scope
 * @property {string} [token_type]
 */

/**
 * @typedef {Object} TriggerCreate
 * @property {"skip" | "latest"} [catchup] After the scheduler was down: `latest` fires the newest missed slot once, `skip` none (recorded as skipped, caught up)
 * @property {string | null} [cron] schedule: five-field cron expression, read in `timezone`
 * @property {number | null} [debounce_seconds] data: wait this long after the last new file (a burst settles); default and minimum RETRAINER_MIN_TRIGGER_SECONDS
 * @property {boolean} [each] data: one run per new file instead of one for the newest
 * @property {boolean} [enabled]
 * @property {number | null} [every_seconds] schedule: instead of `cron`; at least RETRAINER_MIN_TRIGGER_SECONDS
 * @property {string | null} [experiment]
 * @property {"schedule" | "data"} kind
 * @property {string} name Unique among the endpoint's triggers
 * @property {"skip" | "queue" | "allow"} [overlap] What a firing does while the trigger's previous run is still queued or running: `skip` it (recorded with the reason), `queue` it (submitted when that run ends; one waits at most), or `allow` it (runs side by side)
 * @property {string | null} [parameter] data: the `data_path` parameter that receives the new file's URI
 * @property {Object<string, *>} [parameters] The runs' parameters, as in a run request
 * @property {string} [timezone] schedule: IANA time zone of `cron`
 * @property {number | null} [version] The endpoint version to run; default: its default version then
 * @property {string | null} [watch] data: the folder to watch, `datastore://NAME/prefix/`
 */

/**
 * @typedef {Object} TriggerOut
 * @property {string} catchup
 * @property {string} created_at
 * @property {string} created_by Who created it or last changed it: its runs act with this principal's rights, checked at each firing
 * @property {string | null} cron
 * @property {number | null} debounce_seconds
 * @property {boolean} each
 * @property {boolean} enabled
 * @property {string} endpoint_id
 * @property {number | null} every_seconds
 * @property {string | null} experiment
 * @property {string} id
 * @property {string} kind
 * @property {FiringOut | null} last_firing
 * @property {string} name
 * @property {string | null} next_fire_at schedule: its next slot (UTC); null for data triggers and paused schedules
 * @property {string} overlap
 * @property {string | null} parameter
 * @property {Object<string, *>} parameters
 * @property {string} timezone
 * @property {string} updated_at
 * @property {number | null} version
 * @property {string | null} watch
 */

/**
 * @typedef {Object} TriggerPage
 * @property {Array<TriggerOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} TriggerPatch
 * @property {("skip" | "latest") | null} [catchup]
 * @property {string | null} [cron]
 * @property {number | null} [debounce_seconds]
 * @property {boolean | null} [enabled] false pauses it; resuming never fires the slots of the pause
 * @property {number | null} [every_seconds]
 * @property {("skip" | "queue" | "allow") | null} [overlap]
 * @property {Object<string, *> | null} [parameters]
 * @property {string | null} [timezone]
 */

/**
 * @typedef {Object} ValueCount
 * @property {number} count
 * @property {string} value
 */

/**
 * @typedef {Object} VersionCreate
 * @property {string | null} [description]
 * @property {boolean} [make_default] Make it the default version (the first one always is)
 * @property {string} pipeline_id The draft pipeline to publish
 */

/**
 * @typedef {Object} VersionOut
 * @property {string} created_at
 * @property {string | null} description
 * @property {string} endpoint_id
 * @property {string} endpoint_name
 * @property {boolean} is_default
 * @property {Object<string, StepPosition> | null} [layout] Where the studio drew each step when it was published (with steps only)
 * @property {Object<string, ParameterSpec>} parameters
 * @property {string} pipeline_digest
 * @property {string} pipeline_id
 * @property {string} published_pipeline_id This version's id for Azure ML callers: POST /pipelines/v1.0/.../PipelineRuns/PipelineSubmit/{published_pipeline_id}
 * @property {Object<string, StepSpec> | null} steps The version's full step definitions; null unless the token has pipelines:read
 * @property {number} version
 */

/**
 * @typedef {Object} VersionPage
 * @property {Array<VersionOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} VersionPerformance
 * @property {number | null} accuracy Classifiers
 * @property {string} metric The gate's metric
 * @property {number} rows Labelled predictions of this version in the window
 * @property {number | null} value The gate's metric (null when it cannot be computed, e.g. one class)
 * @property {number} version
 */

/**
 * @typedef {Object} WebhookCreate
 * @property {string | null} [description]
 * @property {Array<EventType>} events The events to receive (at least one)
 * @property {string} url The receiver: https (http only for allow-listed hosts)
 */

/**
 * @typedef {Object} WebhookCreated
 * @property {string} created_at
 * @property {string | null} description
 * @property {string | null} disabled_reason Why the service disabled it (the receiver answered 410 Gone)
 * @property {boolean} enabled
 * @property {Array<EventType>} events
 * @property {string} id
 * @property {string} secret The signing secret (whsec_...): shown only in this answer; keep it
 * @property {string} updated_at
 * @property {string} url
 */

/**
 * @typedef {Object} WebhookOut
 * @property {string} created_at
 * @property {string | null} description
 * @property {string | null} disabled_reason Why the service disabled it (the receiver answered 410 Gone)
 * @property {boolean} enabled
 * @property {Array<EventType>} events
 * @property {string} id
 * @property {string} updated_at
 * @property {string} url
 */

/**
 * @typedef {Object} WebhookPage
 * @property {Array<WebhookOut>} items
 * @property {string | null} [next_cursor]
 */

/**
 * @typedef {Object} WebhookPatch
 * @property {string | null} [description]
 * @property {boolean | null} [enabled]
 * @property {Array<EventType> | null} [events]
 * @property {string | null} [url]
 */

/**
 * @typedef {Object} WorkerCheckOut
 * @property {string | null} completed_at
 * @property {string} created_at
 * @property {string} id
 * @property {string} status
 * @property {string | null} worker
 */

/** The metrics a deployment's gate can compare (Gate.metric). */
export const GATE_METRICS = Object.freeze(["roc_auc", "accuracy", "balanced_accuracy", "f1", "r2"]);
/** Metrics shown first, in this order (HeadlineMetric). */
export const HEADLINE_METRICS = Object.freeze(["roc_auc", "accuracy", "f1", "precision", "recall", "log_loss", "r2", "rmse", "mae"]);
/** The events a webhook can subscribe to (EventType). */
export const WEBHOOK_EVENTS = Object.freeze(["run.started", "run.succeeded", "run.failed", "run.canceled", "deployment.promoted", "deployment.held", "trigger.skipped", "deployment.drift_detected"]);
