"""Contains all the data models used in inputs/outputs"""

from .bin_ import Bin
from .column_summary import ColumnSummary
from .column_summary_kind import ColumnSummaryKind
from .data_input import DataInput
from .datastore_create import DatastoreCreate
from .datastore_create_kind import DatastoreCreateKind
from .datastore_out import DatastoreOut
from .datastore_page import DatastorePage
from .deployment_create import DeploymentCreate
from .deployment_out import DeploymentOut
from .deployment_page import DeploymentPage
from .deployment_patch import DeploymentPatch
from .download_run_output_response_200 import DownloadRunOutputResponse200
from .dry_run_out import DryRunOut
from .dry_run_out_parameters import DryRunOutParameters
from .endpoint_create import EndpointCreate
from .endpoint_out import EndpointOut
from .endpoint_page import EndpointPage
from .endpoint_patch import EndpointPatch
from .endpoint_run_request import EndpointRunRequest
from .endpoint_run_request_parameters import EndpointRunRequestParameters
from .file_out import FileOut
from .file_page import FilePage
from .file_uploaded import FileUploaded
from .gate import Gate
from .gate_metric_type_0 import GateMetricType0
from .get_health_response_get_health import GetHealthResponseGetHealth
from .headline_metric import HeadlineMetric
from .history_entry import HistoryEntry
from .history_entry_metrics_type_0 import HistoryEntryMetricsType0
from .history_entry_reason import HistoryEntryReason
from .history_page import HistoryPage
from .input_column import InputColumn
from .input_column_kind import InputColumnKind
from .issue_token_body import IssueTokenBody
from .issue_token_body_grant_type import IssueTokenBodyGrantType
from .lineage import Lineage
from .lineage_parameters import LineageParameters
from .list_components_response_list_components import ListComponentsResponseListComponents
from .me import Me
from .model_page import ModelPage
from .model_ref import ModelRef
from .model_summary import ModelSummary
from .model_version_out import ModelVersionOut
from .model_version_out_hyperparameters_type_0 import ModelVersionOutHyperparametersType0
from .model_version_out_library_versions import ModelVersionOutLibraryVersions
from .model_version_out_metrics_type_0 import ModelVersionOutMetricsType0
from .model_version_page import ModelVersionPage
from .o_auth_error_body import OAuthErrorBody
from .output_list import OutputList
from .output_out import OutputOut
from .parameter_spec import ParameterSpec
from .parameter_spec_type import ParameterSpecType
from .pipeline_out import PipelineOut
from .pipeline_out_parameters import PipelineOutParameters
from .pipeline_out_steps import PipelineOutSteps
from .pipeline_page import PipelinePage
from .pipeline_spec import PipelineSpec
from .pipeline_spec_parameters import PipelineSpecParameters
from .pipeline_spec_steps import PipelineSpecSteps
from .predict_out import PredictOut
from .predict_request import PredictRequest
from .predict_request_rows_item import PredictRequestRowsItem
from .preview import Preview
from .preview_file_format_type_0 import PreviewFileFormatType0
from .problem_details import ProblemDetails
from .problem_error import ProblemError
from .rerun_request import RerunRequest
from .rerun_request_parameters import RerunRequestParameters
from .revoke_token_body import RevokeTokenBody
from .run_deployment_effect import RunDeploymentEffect
from .run_deployment_effect_metrics_type_0 import RunDeploymentEffectMetricsType0
from .run_deployment_effect_reason import RunDeploymentEffectReason
from .run_error import RunError
from .run_out import RunOut
from .run_out_metrics_type_0 import RunOutMetricsType0
from .run_out_parameters import RunOutParameters
from .run_page import RunPage
from .run_request import RunRequest
from .run_request_parameters import RunRequestParameters
from .run_status import RunStatus
from .scope import Scope
from .service_principal_create import ServicePrincipalCreate
from .service_principal_created import ServicePrincipalCreated
from .service_principal_out import ServicePrincipalOut
from .service_principal_page import ServicePrincipalPage
from .step_out import StepOut
from .step_out_metrics_type_0 import StepOutMetricsType0
from .step_spec import StepSpec
from .step_spec_inputs import StepSpecInputs
from .step_spec_settings import StepSpecSettings
from .token_response import TokenResponse
from .value_count import ValueCount
from .version_create import VersionCreate
from .version_out import VersionOut
from .version_out_parameters import VersionOutParameters
from .version_out_steps_type_0 import VersionOutStepsType0
from .version_page import VersionPage
from .worker_check_out import WorkerCheckOut

__all__ = (
    "Bin",
    "ColumnSummary",
    "ColumnSummaryKind",
    "DataInput",
    "DatastoreCreate",
    "DatastoreCreateKind",
    "DatastoreOut",
    "DatastorePage",
    "DeploymentCreate",
    "DeploymentOut",
    "DeploymentPage",
    "DeploymentPatch",
    "DownloadRunOutputResponse200",
    "DryRunOut",
    "DryRunOutParameters",
    "EndpointCreate",
    "EndpointOut",
    "EndpointPage",
    "EndpointPatch",
    "EndpointRunRequest",
    "EndpointRunRequestParameters",
    "FileOut",
    "FilePage",
    "FileUploaded",
    "Gate",
    "GateMetricType0",
    "GetHealthResponseGetHealth",
    "HeadlineMetric",
    "HistoryEntry",
    "HistoryEntryMetricsType0",
    "HistoryEntryReason",
    "HistoryPage",
    "InputColumn",
    "InputColumnKind",
    "IssueTokenBody",
    "IssueTokenBodyGrantType",
    "Lineage",
    "LineageParameters",
    "ListComponentsResponseListComponents",
    "Me",
    "ModelPage",
    "ModelRef",
    "ModelSummary",
    "ModelVersionOut",
    "ModelVersionOutHyperparametersType0",
    "ModelVersionOutLibraryVersions",
    "ModelVersionOutMetricsType0",
    "ModelVersionPage",
    "OAuthErrorBody",
    "OutputList",
    "OutputOut",
    "ParameterSpec",
    "ParameterSpecType",
    "PipelineOut",
    "PipelineOutParameters",
    "PipelineOutSteps",
    "PipelinePage",
    "PipelineSpec",
    "PipelineSpecParameters",
    "PipelineSpecSteps",
    "PredictOut",
    "PredictRequest",
    "PredictRequestRowsItem",
    "Preview",
    "PreviewFileFormatType0",
    "ProblemDetails",
    "ProblemError",
    "RerunRequest",
    "RerunRequestParameters",
    "RevokeTokenBody",
    "RunDeploymentEffect",
    "RunDeploymentEffectMetricsType0",
    "RunDeploymentEffectReason",
    "RunError",
    "RunOut",
    "RunOutMetricsType0",
    "RunOutParameters",
    "RunPage",
    "RunRequest",
    "RunRequestParameters",
    "RunStatus",
    "Scope",
    "ServicePrincipalCreate",
    "ServicePrincipalCreated",
    "ServicePrincipalOut",
    "ServicePrincipalPage",
    "StepOut",
    "StepOutMetricsType0",
    "StepSpec",
    "StepSpecInputs",
    "StepSpecSettings",
    "TokenResponse",
    "ValueCount",
    "VersionCreate",
    "VersionOut",
    "VersionOutParameters",
    "VersionOutStepsType0",
    "VersionPage",
    "WorkerCheckOut",
)
