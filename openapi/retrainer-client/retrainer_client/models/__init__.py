"""Contains all the data models used in inputs/outputs"""

from .data_input import DataInput
from .datastore_create import DatastoreCreate
from .datastore_create_kind import DatastoreCreateKind
from .datastore_out import DatastoreOut
from .datastore_page import DatastorePage
from .deployment_create import DeploymentCreate
from .deployment_out import DeploymentOut
from .deployment_page import DeploymentPage
from .deployment_patch import DeploymentPatch
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
from .firing_out import FiringOut
from .firing_out_outcome import FiringOutOutcome
from .firing_page import FiringPage
from .gate import Gate
from .gate_metric_type_0 import GateMetricType0
from .get_health_response_get_health import GetHealthResponseGetHealth
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
from .run_trigger import RunTrigger
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
from .version_create import VersionCreate
from .version_out import VersionOut
from .version_out_parameters import VersionOutParameters
from .version_out_steps_type_0 import VersionOutStepsType0
from .version_page import VersionPage
from .worker_check_out import WorkerCheckOut

__all__ = (
    "DataInput",
    "DatastoreCreate",
    "DatastoreCreateKind",
    "DatastoreOut",
    "DatastorePage",
    "DeploymentCreate",
    "DeploymentOut",
    "DeploymentPage",
    "DeploymentPatch",
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
    "FiringOut",
    "FiringOutOutcome",
    "FiringPage",
    "Gate",
    "GateMetricType0",
    "GetHealthResponseGetHealth",
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
    "RunTrigger",
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
    "VersionCreate",
    "VersionOut",
    "VersionOutParameters",
    "VersionOutStepsType0",
    "VersionPage",
    "WorkerCheckOut",
)
