"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_create_role import ApiKeyCreateRole
from .api_key_created import ApiKeyCreated
from .api_key_created_role import ApiKeyCreatedRole
from .api_key_role import ApiKeyRole
from .audit_event import AuditEvent
from .audit_event_data import AuditEventData
from .calling_api_key import CallingApiKey
from .calling_api_key_role import CallingApiKeyRole
from .chat_completion_request import ChatCompletionRequest
from .chat_completion_request_functions_type_0_item import ChatCompletionRequestFunctionsType0Item
from .chat_completion_request_response_format_type_0 import ChatCompletionRequestResponseFormatType0
from .chat_completion_request_tools_type_0_item import ChatCompletionRequestToolsType0Item
from .chat_completion_request_variables import ChatCompletionRequestVariables
from .chat_message import ChatMessage
from .chat_message_role import ChatMessageRole
from .compare_change import CompareChange
from .compare_change_input import CompareChangeInput
from .compare_counts import CompareCounts
from .compare_side import CompareSide
from .compare_side_status import CompareSideStatus
from .comparison import Comparison
from .dataset import Dataset
from .dataset_create import DatasetCreate
from .dataset_export import DatasetExport
from .dataset_export_format import DatasetExportFormat
from .dataset_export_status import DatasetExportStatus
from .dataset_import import DatasetImport
from .dataset_import_format import DatasetImportFormat
from .dataset_import_status import DatasetImportStatus
from .dataset_imports_create_body import DatasetImportsCreateBody
from .dataset_item import DatasetItem
from .dataset_item_input import DatasetItemInput
from .dataset_item_metadata import DatasetItemMetadata
from .dataset_pin import DatasetPin
from .dataset_ref import DatasetRef
from .dataset_update import DatasetUpdate
from .deactivate_request import DeactivateRequest
from .delivery import Delivery
from .delivery_status import DeliveryStatus
from .deploy_policy import DeployPolicy
from .deploy_policy_labels import DeployPolicyLabels
from .deploy_policy_update import DeployPolicyUpdate
from .deploy_policy_update_labels import DeployPolicyUpdateLabels
from .deployment import Deployment
from .deployment_decision import DeploymentDecision
from .deployment_status import DeploymentStatus
from .deployments_list_status_type_0 import DeploymentsListStatusType0
from .error_info import ErrorInfo
from .evaluation import Evaluation
from .evaluation_assertions_item import EvaluationAssertionsItem
from .evaluation_create import EvaluationCreate
from .evaluation_create_assertions_item import EvaluationCreateAssertionsItem
from .evaluation_estimate import EvaluationEstimate
from .evaluation_resolved_prompt import EvaluationResolvedPrompt
from .evaluation_rule import EvaluationRule
from .evaluation_status import EvaluationStatus
from .evaluation_summary_type_0 import EvaluationSummaryType0
from .evaluations_list_status_type_0 import EvaluationsListStatusType0
from .evaluations_results_format import EvaluationsResultsFormat
from .evaluations_results_status_type_0 import EvaluationsResultsStatusType0
from .export_create import ExportCreate
from .export_create_format import ExportCreateFormat
from .exported_prompt import ExportedPrompt
from .exported_prompt_kind import ExportedPromptKind
from .exported_prompt_labels import ExportedPromptLabels
from .exported_version import ExportedVersion
from .exported_version_model_config import ExportedVersionModelConfig
from .exported_version_variables_type_0 import ExportedVersionVariablesType0
from .failed_assertion import FailedAssertion
from .field_error import FieldError
from .figure_change import FigureChange
from .gateway_chat_completions_response_200 import GatewayChatCompletionsResponse200
from .gateway_model import GatewayModel
from .gateway_model_list import GatewayModelList
from .health import Health
from .http_validation_error import HTTPValidationError
from .import_export_export_format import ImportExportExportFormat
from .import_export_import_mode import ImportExportImportMode
from .import_outcome import ImportOutcome
from .import_outcome_status import ImportOutcomeStatus
from .import_report import ImportReport
from .import_report_mode import ImportReportMode
from .import_row_error import ImportRowError
from .invitation import Invitation
from .invitation_role import InvitationRole
from .invitation_status import InvitationStatus
from .invitation_workspace import InvitationWorkspace
from .item_create import ItemCreate
from .item_create_input import ItemCreateInput
from .item_create_metadata import ItemCreateMetadata
from .item_from_run import ItemFromRun
from .item_from_run_metadata import ItemFromRunMetadata
from .item_update import ItemUpdate
from .item_update_input_type_0 import ItemUpdateInputType0
from .item_update_metadata_type_0 import ItemUpdateMetadataType0
from .items_create import ItemsCreate
from .items_created import ItemsCreated
from .label import Label
from .label_event import LabelEvent
from .label_gate import LabelGate
from .label_move import LabelMove
from .langfuse_chat_message import LangfuseChatMessage
from .langfuse_chat_message_in import LangfuseChatMessageIn
from .langfuse_chat_message_in_role import LangfuseChatMessageInRole
from .langfuse_create_prompt_request import LangfuseCreatePromptRequest
from .langfuse_create_prompt_request_config_type_0 import LangfuseCreatePromptRequestConfigType0
from .langfuse_create_prompt_request_type_type_0 import LangfuseCreatePromptRequestTypeType0
from .langfuse_error_body import LangfuseErrorBody
from .langfuse_error_body_details_type_0_item import LangfuseErrorBodyDetailsType0Item
from .langfuse_health import LangfuseHealth
from .langfuse_organization import LangfuseOrganization
from .langfuse_page_meta import LangfusePageMeta
from .langfuse_placeholder import LangfusePlaceholder
from .langfuse_placeholder_in import LangfusePlaceholderIn
from .langfuse_project import LangfuseProject
from .langfuse_project_metadata import LangfuseProjectMetadata
from .langfuse_projects import LangfuseProjects
from .langfuse_prompt import LangfusePrompt
from .langfuse_prompt_config import LangfusePromptConfig
from .langfuse_prompt_meta import LangfusePromptMeta
from .langfuse_prompt_meta_lastconfig import LangfusePromptMetaLastconfig
from .langfuse_prompt_meta_list import LangfusePromptMetaList
from .langfuse_prompt_meta_type import LangfusePromptMetaType
from .langfuse_prompt_resolution_graph_type_0 import LangfusePromptResolutionGraphType0
from .langfuse_prompt_type import LangfusePromptType
from .langfuse_update_prompt_version_request import LangfuseUpdatePromptVersionRequest
from .login_request import LoginRequest
from .me import Me
from .me_membership import MeMembership
from .member import Member
from .member_create import MemberCreate
from .member_create_role import MemberCreateRole
from .member_role import MemberRole
from .member_update import MemberUpdate
from .member_update_role import MemberUpdateRole
from .membership_workspace import MembershipWorkspace
from .model_price import ModelPrice
from .model_ref import ModelRef
from .open_ai_error import OpenAIError
from .open_ai_error_body import OpenAIErrorBody
from .page_api_key import PageApiKey
from .page_audit_event import PageAuditEvent
from .page_dataset import PageDataset
from .page_dataset_import import PageDatasetImport
from .page_dataset_item import PageDatasetItem
from .page_delivery import PageDelivery
from .page_deployment import PageDeployment
from .page_evaluation import PageEvaluation
from .page_invitation import PageInvitation
from .page_label import PageLabel
from .page_label_event import PageLabelEvent
from .page_member import PageMember
from .page_project import PageProject
from .page_prompt import PagePrompt
from .page_provider import PageProvider
from .page_result import PageResult
from .page_run import PageRun
from .page_run_provider import PageRunProvider
from .page_version import PageVersion
from .page_webhook import PageWebhook
from .page_workspace import PageWorkspace
from .password_change import PasswordChange
from .placeholder import Placeholder
from .problem_details import ProblemDetails
from .progress import Progress
from .project import Project
from .project_create import ProjectCreate
from .project_export import ProjectExport
from .project_update import ProjectUpdate
from .prompt import Prompt
from .prompt_change_event import PromptChangeEvent
from .prompt_change_event_type import PromptChangeEventType
from .prompt_create import PromptCreate
from .prompt_create_kind import PromptCreateKind
from .prompt_create_model_config import PromptCreateModelConfig
from .prompt_create_variables_type_0 import PromptCreateVariablesType0
from .prompt_kind import PromptKind
from .prompt_labels import PromptLabels
from .prompt_ref import PromptRef
from .prompt_update import PromptUpdate
from .prompt_with_version import PromptWithVersion
from .prompt_with_version_kind import PromptWithVersionKind
from .prompt_with_version_labels import PromptWithVersionLabels
from .prompts_stream_events_response_200 import PromptsStreamEventsResponse200
from .provider import Provider
from .provider_create import ProviderCreate
from .provider_create_kind import ProviderCreateKind
from .provider_create_pricing import ProviderCreatePricing
from .provider_kind import ProviderKind
from .provider_pricing import ProviderPricing
from .provider_test_result import ProviderTestResult
from .provider_update import ProviderUpdate
from .provider_update_pricing_type_0 import ProviderUpdatePricingType0
from .readiness import Readiness
from .readiness_database import ReadinessDatabase
from .readiness_queue import ReadinessQueue
from .readiness_redis import ReadinessRedis
from .readiness_status import ReadinessStatus
from .render_request import RenderRequest
from .render_request_variables import RenderRequestVariables
from .rendered_prompt import RenderedPrompt
from .rendered_prompt_kind import RenderedPromptKind
from .rendered_prompt_messages_type_0_item import RenderedPromptMessagesType0Item
from .resolved_prompt import ResolvedPrompt
from .resolved_prompt_kind import ResolvedPromptKind
from .resolved_prompt_model_config import ResolvedPromptModelConfig
from .resolved_prompt_variables import ResolvedPromptVariables
from .result import Result
from .result_assertion import ResultAssertion
from .result_error_type_0 import ResultErrorType0
from .result_input import ResultInput
from .result_status import ResultStatus
from .result_tokens import ResultTokens
from .run import Run
from .run_create import RunCreate
from .run_create_kind_type_0 import RunCreateKindType0
from .run_create_variables import RunCreateVariables
from .run_input import RunInput
from .run_input_messages_type_0_item import RunInputMessagesType0Item
from .run_kind import RunKind
from .run_params import RunParams
from .run_params_response_format_type_0 import RunParamsResponseFormatType0
from .run_prompt import RunPrompt
from .run_provider import RunProvider
from .run_provider_kind import RunProviderKind
from .run_sent_params import RunSentParams
from .run_source import RunSource
from .run_status import RunStatus
from .run_usage import RunUsage
from .run_variables import RunVariables
from .runs_list_source_type_0 import RunsListSourceType0
from .runs_list_status_type_0 import RunsListStatusType0
from .stream_options import StreamOptions
from .stream_position import StreamPosition
from .user import User
from .user_create import UserCreate
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .variant import Variant
from .variant_changes import VariantChanges
from .variant_changes_changes import VariantChangesChanges
from .variant_create import VariantCreate
from .variant_estimate import VariantEstimate
from .variant_params import VariantParams
from .variant_summary_type_0 import VariantSummaryType0
from .version import Version
from .version_create import VersionCreate
from .version_create_model_config import VersionCreateModelConfig
from .version_create_variables_type_0 import VersionCreateVariablesType0
from .version_diff import VersionDiff
from .version_model_config import VersionModelConfig
from .version_variables import VersionVariables
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_create_events_item import WebhookCreateEventsItem
from .webhook_update import WebhookUpdate
from .webhook_update_events_type_0_item import WebhookUpdateEventsType0Item
from .webhook_with_secret import WebhookWithSecret
from .webhooks_list_deliveries_status_type_0 import WebhooksListDeliveriesStatusType0
from .workspace import Workspace
from .workspace_create import WorkspaceCreate
from .workspace_role import WorkspaceRole
from .workspace_update import WorkspaceUpdate

__all__ = (
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreateRole",
    "ApiKeyCreated",
    "ApiKeyCreatedRole",
    "ApiKeyRole",
    "AuditEvent",
    "AuditEventData",
    "CallingApiKey",
    "CallingApiKeyRole",
    "ChatCompletionRequest",
    "ChatCompletionRequestFunctionsType0Item",
    "ChatCompletionRequestResponseFormatType0",
    "ChatCompletionRequestToolsType0Item",
    "ChatCompletionRequestVariables",
    "ChatMessage",
    "ChatMessageRole",
    "CompareChange",
    "CompareChangeInput",
    "CompareCounts",
    "CompareSide",
    "CompareSideStatus",
    "Comparison",
    "Dataset",
    "DatasetCreate",
    "DatasetExport",
    "DatasetExportFormat",
    "DatasetExportStatus",
    "DatasetImport",
    "DatasetImportFormat",
    "DatasetImportStatus",
    "DatasetImportsCreateBody",
    "DatasetItem",
    "DatasetItemInput",
    "DatasetItemMetadata",
    "DatasetPin",
    "DatasetRef",
    "DatasetUpdate",
    "DeactivateRequest",
    "Delivery",
    "DeliveryStatus",
    "DeployPolicy",
    "DeployPolicyLabels",
    "DeployPolicyUpdate",
    "DeployPolicyUpdateLabels",
    "Deployment",
    "DeploymentDecision",
    "DeploymentStatus",
    "DeploymentsListStatusType0",
    "ErrorInfo",
    "Evaluation",
    "EvaluationAssertionsItem",
    "EvaluationCreate",
    "EvaluationCreateAssertionsItem",
    "EvaluationEstimate",
    "EvaluationResolvedPrompt",
    "EvaluationRule",
    "EvaluationStatus",
    "EvaluationSummaryType0",
    "EvaluationsListStatusType0",
    "EvaluationsResultsFormat",
    "EvaluationsResultsStatusType0",
    "ExportCreate",
    "ExportCreateFormat",
    "ExportedPrompt",
    "ExportedPromptKind",
    "ExportedPromptLabels",
    "ExportedVersion",
    "ExportedVersionModelConfig",
    "ExportedVersionVariablesType0",
    "FailedAssertion",
    "FieldError",
    "FigureChange",
    "GatewayChatCompletionsResponse200",
    "GatewayModel",
    "GatewayModelList",
    "HTTPValidationError",
    "Health",
    "ImportExportExportFormat",
    "ImportExportImportMode",
    "ImportOutcome",
    "ImportOutcomeStatus",
    "ImportReport",
    "ImportReportMode",
    "ImportRowError",
    "Invitation",
    "InvitationRole",
    "InvitationStatus",
    "InvitationWorkspace",
    "ItemCreate",
    "ItemCreateInput",
    "ItemCreateMetadata",
    "ItemFromRun",
    "ItemFromRunMetadata",
    "ItemUpdate",
    "ItemUpdateInputType0",
    "ItemUpdateMetadataType0",
    "ItemsCreate",
    "ItemsCreated",
    "Label",
    "LabelEvent",
    "LabelGate",
    "LabelMove",
    "LangfuseChatMessage",
    "LangfuseChatMessageIn",
    "LangfuseChatMessageInRole",
    "LangfuseCreatePromptRequest",
    "LangfuseCreatePromptRequestConfigType0",
    "LangfuseCreatePromptRequestTypeType0",
    "LangfuseErrorBody",
    "LangfuseErrorBodyDetailsType0Item",
    "LangfuseHealth",
    "LangfuseOrganization",
    "LangfusePageMeta",
    "LangfusePlaceholder",
    "LangfusePlaceholderIn",
    "LangfuseProject",
    "LangfuseProjectMetadata",
    "LangfuseProjects",
    "LangfusePrompt",
    "LangfusePromptConfig",
    "LangfusePromptMeta",
    "LangfusePromptMetaLastconfig",
    "LangfusePromptMetaList",
    "LangfusePromptMetaType",
    "LangfusePromptResolutionGraphType0",
    "LangfusePromptType",
    "LangfuseUpdatePromptVersionRequest",
    "LoginRequest",
    "Me",
    "MeMembership",
    "Member",
    "MemberCreate",
    "MemberCreateRole",
    "MemberRole",
    "MemberUpdate",
    "MemberUpdateRole",
    "MembershipWorkspace",
    "ModelPrice",
    "ModelRef",
    "OpenAIError",
    "OpenAIErrorBody",
    "PageApiKey",
    "PageAuditEvent",
    "PageDataset",
    "PageDatasetImport",
    "PageDatasetItem",
    "PageDelivery",
    "PageDeployment",
    "PageEvaluation",
    "PageInvitation",
    "PageLabel",
    "PageLabelEvent",
    "PageMember",
    "PageProject",
    "PagePrompt",
    "PageProvider",
    "PageResult",
    "PageRun",
    "PageRunProvider",
    "PageVersion",
    "PageWebhook",
    "PageWorkspace",
    "PasswordChange",
    "Placeholder",
    "ProblemDetails",
    "Progress",
    "Project",
    "ProjectCreate",
    "ProjectExport",
    "ProjectUpdate",
    "Prompt",
    "PromptChangeEvent",
    "PromptChangeEventType",
    "PromptCreate",
    "PromptCreateKind",
    "PromptCreateModelConfig",
    "PromptCreateVariablesType0",
    "PromptKind",
    "PromptLabels",
    "PromptRef",
    "PromptUpdate",
    "PromptWithVersion",
    "PromptWithVersionKind",
    "PromptWithVersionLabels",
    "PromptsStreamEventsResponse200",
    "Provider",
    "ProviderCreate",
    "ProviderCreateKind",
    "ProviderCreatePricing",
    "ProviderKind",
    "ProviderPricing",
    "ProviderTestResult",
    "ProviderUpdate",
    "ProviderUpdatePricingType0",
    "Readiness",
    "ReadinessDatabase",
    "ReadinessQueue",
    "ReadinessRedis",
    "ReadinessStatus",
    "RenderRequest",
    "RenderRequestVariables",
    "RenderedPrompt",
    "RenderedPromptKind",
    "RenderedPromptMessagesType0Item",
    "ResolvedPrompt",
    "ResolvedPromptKind",
    "ResolvedPromptModelConfig",
    "ResolvedPromptVariables",
    "Result",
    "ResultAssertion",
    "ResultErrorType0",
    "ResultInput",
    "ResultStatus",
    "ResultTokens",
    "Run",
    "RunCreate",
    "RunCreateKindType0",
    "RunCreateVariables",
    "RunInput",
    "RunInputMessagesType0Item",
    "RunKind",
    "RunParams",
    "RunParamsResponseFormatType0",
    "RunPrompt",
    "RunProvider",
    "RunProviderKind",
    "RunSentParams",
    "RunSource",
    "RunStatus",
    "RunUsage",
    "RunVariables",
    "RunsListSourceType0",
    "RunsListStatusType0",
    "StreamOptions",
    "StreamPosition",
    "User",
    "UserCreate",
    "ValidationError",
    "ValidationErrorContext",
    "Variant",
    "VariantChanges",
    "VariantChangesChanges",
    "VariantCreate",
    "VariantEstimate",
    "VariantParams",
    "VariantSummaryType0",
    "Version",
    "VersionCreate",
    "VersionCreateModelConfig",
    "VersionCreateVariablesType0",
    "VersionDiff",
    "VersionModelConfig",
    "VersionVariables",
    "Webhook",
    "WebhookCreate",
    "WebhookCreateEventsItem",
    "WebhookUpdate",
    "WebhookUpdateEventsType0Item",
    "WebhookWithSecret",
    "WebhooksListDeliveriesStatusType0",
    "Workspace",
    "WorkspaceCreate",
    "WorkspaceRole",
    "WorkspaceUpdate",
)
