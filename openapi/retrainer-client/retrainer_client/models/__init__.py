"""Contains all the data models used in inputs/outputs (each loaded when first used)"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .azure_data_path import AzureDataPath
    from .azure_pipeline_run import AzurePipelineRun
    from .azure_pipeline_run_datapathassignments import AzurePipelineRunDatapathassignments
    from .azure_pipeline_run_parameterassignments import AzurePipelineRunParameterassignments
    from .azure_pipeline_run_tags_type_0 import AzurePipelineRunTagsType0
    from .azure_run_status import AzureRunStatus
    from .azure_run_status_statuscode import AzureRunStatusStatuscode
    from .azure_submit_request import AzureSubmitRequest
    from .azure_submit_request_data_set_definition_value_assignments_type_0 import (
        AzureSubmitRequestDataSetDefinitionValueAssignmentsType0,
    )
    from .azure_submit_request_datapathassignments import AzureSubmitRequestDatapathassignments
    from .azure_submit_request_parameterassignments import AzureSubmitRequestParameterassignments
    from .azure_submit_request_tags_type_0 import AzureSubmitRequestTagsType0
    from .bin_ import Bin
    from .column_summary import ColumnSummary
    from .column_summary_kind import ColumnSummaryKind
    from .data_input import DataInput
    from .datastore_create import DatastoreCreate
    from .datastore_create_kind import DatastoreCreateKind
    from .datastore_out import DatastoreOut
    from .datastore_page import DatastorePage
    from .delivery_out import DeliveryOut
    from .delivery_page import DeliveryPage
    from .deployment_create import DeploymentCreate
    from .deployment_out import DeploymentOut
    from .deployment_page import DeploymentPage
    from .deployment_patch import DeploymentPatch
    from .download_run_output_response_200 import DownloadRunOutputResponse200
    from .drift_bin import DriftBin
    from .drift_check_out import DriftCheckOut
    from .drift_check_page import DriftCheckPage
    from .drift_column import DriftColumn
    from .drift_column_kind import DriftColumnKind
    from .drift_column_metric import DriftColumnMetric
    from .drift_out import DriftOut
    from .dry_run_out import DryRunOut
    from .dry_run_out_parameters import DryRunOutParameters
    from .endpoint_create import EndpointCreate
    from .endpoint_out import EndpointOut
    from .endpoint_page import EndpointPage
    from .endpoint_patch import EndpointPatch
    from .endpoint_run_request import EndpointRunRequest
    from .endpoint_run_request_parameters import EndpointRunRequestParameters
    from .event_type import EventType
    from .feedback_item import FeedbackItem
    from .feedback_out import FeedbackOut
    from .feedback_request import FeedbackRequest
    from .file_out import FileOut
    from .file_page import FilePage
    from .file_uploaded import FileUploaded
    from .firing_out import FiringOut
    from .firing_out_outcome import FiringOutOutcome
    from .firing_page import FiringPage
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
    from .model_version_out_reference_profile_type_0 import ModelVersionOutReferenceProfileType0
    from .model_version_page import ModelVersionPage
    from .monitor import Monitor
    from .o_auth_error_body import OAuthErrorBody
    from .output_list import OutputList
    from .output_out import OutputOut
    from .parameter_spec import ParameterSpec
    from .parameter_spec_type import ParameterSpecType
    from .performance_out import PerformanceOut
    from .performance_out_metrics import PerformanceOutMetrics
    from .pipeline_out import PipelineOut
    from .pipeline_out_layout_type_0 import PipelineOutLayoutType0
    from .pipeline_out_parameters import PipelineOutParameters
    from .pipeline_out_steps import PipelineOutSteps
    from .pipeline_page import PipelinePage
    from .pipeline_spec import PipelineSpec
    from .pipeline_spec_layout_type_0 import PipelineSpecLayoutType0
    from .pipeline_spec_parameters import PipelineSpecParameters
    from .pipeline_spec_steps import PipelineSpecSteps
    from .predict_out import PredictOut
    from .predict_request import PredictRequest
    from .predict_request_rows_item import PredictRequestRowsItem
    from .preview import Preview
    from .preview_file_format_type_0 import PreviewFileFormatType0
    from .problem_details import ProblemDetails
    from .problem_error import ProblemError
    from .redelivery_accepted import RedeliveryAccepted
    from .rerun_request import RerunRequest
    from .rerun_request_parameters import RerunRequestParameters
    from .retrain import Retrain
    from .retrain_parameters import RetrainParameters
    from .revoke_token_body import RevokeTokenBody
    from .run_deployment_effect import RunDeploymentEffect
    from .run_deployment_effect_metrics_type_0 import RunDeploymentEffectMetricsType0
    from .run_deployment_effect_reason import RunDeploymentEffectReason
    from .run_error import RunError
    from .run_out import RunOut
    from .run_out_metrics_type_0 import RunOutMetricsType0
    from .run_out_parameters import RunOutParameters
    from .run_out_tags_type_0 import RunOutTagsType0
    from .run_page import RunPage
    from .run_request import RunRequest
    from .run_request_parameters import RunRequestParameters
    from .run_status import RunStatus
    from .run_trigger import RunTrigger
    from .scope import Scope
    from .service_principal_create import ServicePrincipalCreate
    from .service_principal_created import ServicePrincipalCreated
    from .service_principal_out import ServicePrincipalOut
    from .service_principal_page import ServicePrincipalPage
    from .step_out import StepOut
    from .step_out_metrics_type_0 import StepOutMetricsType0
    from .step_position import StepPosition
    from .step_spec import StepSpec
    from .step_spec_inputs import StepSpecInputs
    from .step_spec_settings import StepSpecSettings
    from .thresholds import Thresholds
    from .token_response import TokenResponse
    from .trigger_create import TriggerCreate
    from .trigger_create_catchup import TriggerCreateCatchup
    from .trigger_create_kind import TriggerCreateKind
    from .trigger_create_overlap import TriggerCreateOverlap
    from .trigger_create_parameters import TriggerCreateParameters
    from .trigger_out import TriggerOut
    from .trigger_out_parameters import TriggerOutParameters
    from .trigger_page import TriggerPage
    from .trigger_patch import TriggerPatch
    from .trigger_patch_catchup_type_0 import TriggerPatchCatchupType0
    from .trigger_patch_overlap_type_0 import TriggerPatchOverlapType0
    from .trigger_patch_parameters_type_0 import TriggerPatchParametersType0
    from .value_count import ValueCount
    from .version_create import VersionCreate
    from .version_out import VersionOut
    from .version_out_layout_type_0 import VersionOutLayoutType0
    from .version_out_parameters import VersionOutParameters
    from .version_out_steps_type_0 import VersionOutStepsType0
    from .version_page import VersionPage
    from .version_performance import VersionPerformance
    from .webhook_create import WebhookCreate
    from .webhook_created import WebhookCreated
    from .webhook_out import WebhookOut
    from .webhook_page import WebhookPage
    from .webhook_patch import WebhookPatch
    from .worker_check_out import WorkerCheckOut

_MODULES = {
    "AzureDataPath": ".azure_data_path",
    "AzurePipelineRun": ".azure_pipeline_run",
    "AzurePipelineRunDatapathassignments": ".azure_pipeline_run_datapathassignments",
    "AzurePipelineRunParameterassignments": ".azure_pipeline_run_parameterassignments",
    "AzurePipelineRunTagsType0": ".azure_pipeline_run_tags_type_0",
    "AzureRunStatus": ".azure_run_status",
    "AzureRunStatusStatuscode": ".azure_run_status_statuscode",
    "AzureSubmitRequest": ".azure_submit_request",
    "AzureSubmitRequestDataSetDefinitionValueAssignmentsType0": ".azure_submit_request_data_set_definition_value_assignments_type_0",
    "AzureSubmitRequestDatapathassignments": ".azure_submit_request_datapathassignments",
    "AzureSubmitRequestParameterassignments": ".azure_submit_request_parameterassignments",
    "AzureSubmitRequestTagsType0": ".azure_submit_request_tags_type_0",
    "Bin": ".bin_",
    "ColumnSummary": ".column_summary",
    "ColumnSummaryKind": ".column_summary_kind",
    "DataInput": ".data_input",
    "DatastoreCreate": ".datastore_create",
    "DatastoreCreateKind": ".datastore_create_kind",
    "DatastoreOut": ".datastore_out",
    "DatastorePage": ".datastore_page",
    "DeliveryOut": ".delivery_out",
    "DeliveryPage": ".delivery_page",
    "DeploymentCreate": ".deployment_create",
    "DeploymentOut": ".deployment_out",
    "DeploymentPage": ".deployment_page",
    "DeploymentPatch": ".deployment_patch",
    "DownloadRunOutputResponse200": ".download_run_output_response_200",
    "DriftBin": ".drift_bin",
    "DriftCheckOut": ".drift_check_out",
    "DriftCheckPage": ".drift_check_page",
    "DriftColumn": ".drift_column",
    "DriftColumnKind": ".drift_column_kind",
    "DriftColumnMetric": ".drift_column_metric",
    "DriftOut": ".drift_out",
    "DryRunOut": ".dry_run_out",
    "DryRunOutParameters": ".dry_run_out_parameters",
    "EndpointCreate": ".endpoint_create",
    "EndpointOut": ".endpoint_out",
    "EndpointPage": ".endpoint_page",
    "EndpointPatch": ".endpoint_patch",
    "EndpointRunRequest": ".endpoint_run_request",
    "EndpointRunRequestParameters": ".endpoint_run_request_parameters",
    "EventType": ".event_type",
    "FeedbackItem": ".feedback_item",
    "FeedbackOut": ".feedback_out",
    "FeedbackRequest": ".feedback_request",
    "FileOut": ".file_out",
    "FilePage": ".file_page",
    "FileUploaded": ".file_uploaded",
    "FiringOut": ".firing_out",
    "FiringOutOutcome": ".firing_out_outcome",
    "FiringPage": ".firing_page",
    "Gate": ".gate",
    "GateMetricType0": ".gate_metric_type_0",
    "GetHealthResponseGetHealth": ".get_health_response_get_health",
    "HeadlineMetric": ".headline_metric",
    "HistoryEntry": ".history_entry",
    "HistoryEntryMetricsType0": ".history_entry_metrics_type_0",
    "HistoryEntryReason": ".history_entry_reason",
    "HistoryPage": ".history_page",
    "InputColumn": ".input_column",
    "InputColumnKind": ".input_column_kind",
    "IssueTokenBody": ".issue_token_body",
    "IssueTokenBodyGrantType": ".issue_token_body_grant_type",
    "Lineage": ".lineage",
    "LineageParameters": ".lineage_parameters",
    "ListComponentsResponseListComponents": ".list_components_response_list_components",
    "Me": ".me",
    "ModelPage": ".model_page",
    "ModelRef": ".model_ref",
    "ModelSummary": ".model_summary",
    "ModelVersionOut": ".model_version_out",
    "ModelVersionOutHyperparametersType0": ".model_version_out_hyperparameters_type_0",
    "ModelVersionOutLibraryVersions": ".model_version_out_library_versions",
    "ModelVersionOutMetricsType0": ".model_version_out_metrics_type_0",
    "ModelVersionOutReferenceProfileType0": ".model_version_out_reference_profile_type_0",
    "ModelVersionPage": ".model_version_page",
    "Monitor": ".monitor",
    "OAuthErrorBody": ".o_auth_error_body",
    "OutputList": ".output_list",
    "OutputOut": ".output_out",
    "ParameterSpec": ".parameter_spec",
    "ParameterSpecType": ".parameter_spec_type",
    "PerformanceOut": ".performance_out",
    "PerformanceOutMetrics": ".performance_out_metrics",
    "PipelineOut": ".pipeline_out",
    "PipelineOutLayoutType0": ".pipeline_out_layout_type_0",
    "PipelineOutParameters": ".pipeline_out_parameters",
    "PipelineOutSteps": ".pipeline_out_steps",
    "PipelinePage": ".pipeline_page",
    "PipelineSpec": ".pipeline_spec",
    "PipelineSpecLayoutType0": ".pipeline_spec_layout_type_0",
    "PipelineSpecParameters": ".pipeline_spec_parameters",
    "PipelineSpecSteps": ".pipeline_spec_steps",
    "PredictOut": ".predict_out",
    "PredictRequest": ".predict_request",
    "PredictRequestRowsItem": ".predict_request_rows_item",
    "Preview": ".preview",
    "PreviewFileFormatType0": ".preview_file_format_type_0",
    "ProblemDetails": ".problem_details",
    "ProblemError": ".problem_error",
    "RedeliveryAccepted": ".redelivery_accepted",
    "RerunRequest": ".rerun_request",
    "RerunRequestParameters": ".rerun_request_parameters",
    "Retrain": ".retrain",
    "RetrainParameters": ".retrain_parameters",
    "RevokeTokenBody": ".revoke_token_body",
    "RunDeploymentEffect": ".run_deployment_effect",
    "RunDeploymentEffectMetricsType0": ".run_deployment_effect_metrics_type_0",
    "RunDeploymentEffectReason": ".run_deployment_effect_reason",
    "RunError": ".run_error",
    "RunOut": ".run_out",
    "RunOutMetricsType0": ".run_out_metrics_type_0",
    "RunOutParameters": ".run_out_parameters",
    "RunOutTagsType0": ".run_out_tags_type_0",
    "RunPage": ".run_page",
    "RunRequest": ".run_request",
    "RunRequestParameters": ".run_request_parameters",
    "RunStatus": ".run_status",
    "RunTrigger": ".run_trigger",
    "Scope": ".scope",
    "ServicePrincipalCreate": ".service_principal_create",
    "ServicePrincipalCreated": ".service_principal_created",
    "ServicePrincipalOut": ".service_principal_out",
    "ServicePrincipalPage": ".service_principal_page",
    "StepOut": ".step_out",
    "StepOutMetricsType0": ".step_out_metrics_type_0",
    "StepPosition": ".step_position",
    "StepSpec": ".step_spec",
    "StepSpecInputs": ".step_spec_inputs",
    "StepSpecSettings": ".step_spec_settings",
    "Thresholds": ".thresholds",
    "TokenResponse": ".token_response",
    "TriggerCreate": ".trigger_create",
    "TriggerCreateCatchup": ".trigger_create_catchup",
    "TriggerCreateKind": ".trigger_create_kind",
    "TriggerCreateOverlap": ".trigger_create_overlap",
    "TriggerCreateParameters": ".trigger_create_parameters",
    "TriggerOut": ".trigger_out",
    "TriggerOutParameters": ".trigger_out_parameters",
    "TriggerPage": ".trigger_page",
    "TriggerPatch": ".trigger_patch",
    "TriggerPatchCatchupType0": ".trigger_patch_catchup_type_0",
    "TriggerPatchOverlapType0": ".trigger_patch_overlap_type_0",
    "TriggerPatchParametersType0": ".trigger_patch_parameters_type_0",
    "ValueCount": ".value_count",
    "VersionCreate": ".version_create",
    "VersionOut": ".version_out",
    "VersionOutLayoutType0": ".version_out_layout_type_0",
    "VersionOutParameters": ".version_out_parameters",
    "VersionOutStepsType0": ".version_out_steps_type_0",
    "VersionPage": ".version_page",
    "VersionPerformance": ".version_performance",
    "WebhookCreate": ".webhook_create",
    "WebhookCreated": ".webhook_created",
    "WebhookOut": ".webhook_out",
    "WebhookPage": ".webhook_page",
    "WebhookPatch": ".webhook_patch",
    "WorkerCheckOut": ".worker_check_out",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_MODULES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = (
    "AzureDataPath",
    "AzurePipelineRun",
    "AzurePipelineRunDatapathassignments",
    "AzurePipelineRunParameterassignments",
    "AzurePipelineRunTagsType0",
    "AzureRunStatus",
    "AzureRunStatusStatuscode",
    "AzureSubmitRequest",
    "AzureSubmitRequestDatapathassignments",
    "AzureSubmitRequestDataSetDefinitionValueAssignmentsType0",
    "AzureSubmitRequestParameterassignments",
    "AzureSubmitRequestTagsType0",
    "Bin",
    "ColumnSummary",
    "ColumnSummaryKind",
    "DataInput",
    "DatastoreCreate",
    "DatastoreCreateKind",
    "DatastoreOut",
    "DatastorePage",
    "DeliveryOut",
    "DeliveryPage",
    "DeploymentCreate",
    "DeploymentOut",
    "DeploymentPage",
    "DeploymentPatch",
    "DownloadRunOutputResponse200",
    "DriftBin",
    "DriftCheckOut",
    "DriftCheckPage",
    "DriftColumn",
    "DriftColumnKind",
    "DriftColumnMetric",
    "DriftOut",
    "DryRunOut",
    "DryRunOutParameters",
    "EndpointCreate",
    "EndpointOut",
    "EndpointPage",
    "EndpointPatch",
    "EndpointRunRequest",
    "EndpointRunRequestParameters",
    "EventType",
    "FeedbackItem",
    "FeedbackOut",
    "FeedbackRequest",
    "FileOut",
    "FilePage",
    "FileUploaded",
    "FiringOut",
    "FiringOutOutcome",
    "FiringPage",
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
    "ModelVersionOutReferenceProfileType0",
    "ModelVersionPage",
    "Monitor",
    "OAuthErrorBody",
    "OutputList",
    "OutputOut",
    "ParameterSpec",
    "ParameterSpecType",
    "PerformanceOut",
    "PerformanceOutMetrics",
    "PipelineOut",
    "PipelineOutLayoutType0",
    "PipelineOutParameters",
    "PipelineOutSteps",
    "PipelinePage",
    "PipelineSpec",
    "PipelineSpecLayoutType0",
    "PipelineSpecParameters",
    "PipelineSpecSteps",
    "PredictOut",
    "PredictRequest",
    "PredictRequestRowsItem",
    "Preview",
    "PreviewFileFormatType0",
    "ProblemDetails",
    "ProblemError",
    "RedeliveryAccepted",
    "RerunRequest",
    "RerunRequestParameters",
    "Retrain",
    "RetrainParameters",
    "RevokeTokenBody",
    "RunDeploymentEffect",
    "RunDeploymentEffectMetricsType0",
    "RunDeploymentEffectReason",
    "RunError",
    "RunOut",
    "RunOutMetricsType0",
    "RunOutParameters",
    "RunOutTagsType0",
    "RunPage",
    "RunRequest",
    "RunRequestParameters",
    "RunStatus",
    "RunTrigger",
    "Scope",
    "ServicePrincipalCreate",
    "ServicePrincipalCreated",
    "ServicePrincipalOut",
    "ServicePrincipalPage",
    "StepOut",
    "StepOutMetricsType0",
    "StepPosition",
    "StepSpec",
    "StepSpecInputs",
    "StepSpecSettings",
    "Thresholds",
    "TokenResponse",
    "TriggerCreate",
    "TriggerCreateCatchup",
    "TriggerCreateKind",
    "TriggerCreateOverlap",
    "TriggerCreateParameters",
    "TriggerOut",
    "TriggerOutParameters",
    "TriggerPage",
    "TriggerPatch",
    "TriggerPatchCatchupType0",
    "TriggerPatchOverlapType0",
    "TriggerPatchParametersType0",
    "ValueCount",
    "VersionCreate",
    "VersionOut",
    "VersionOutLayoutType0",
    "VersionOutParameters",
    "VersionOutStepsType0",
    "VersionPage",
    "VersionPerformance",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookOut",
    "WebhookPage",
    "WebhookPatch",
    "WorkerCheckOut",
)
