"""The OpenAPI document as clients should read it: what FastAPI generates, plus what it
cannot infer (problem details' media type, bodies read by dependencies, links)."""

from __future__ import annotations

from typing import Any

from app.deployments.schemas import PredictRequest
from app.pipelines.spec import PipelineSpec
from app.runs.metrics import HEADLINE_METRICS
from app.web.problems import problem_media_type_in_spec

# Links from the answer of an operation that creates something to the operations that
# read and change it (OpenAPI 3 links): generated clients and stateful fuzzers follow them.
_ID = "$response.body#/id"
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, dict[str, str]]]] = {
    ("/pipelines", "post", "201"): {
        "GetPipeline": ("get_pipeline", {"pipeline_id": _ID}),
        "ReplacePipeline": ("replace_pipeline", {"pipeline_id": _ID}),
        "RunPipeline": ("run_pipeline", {"pipeline_id": _ID}),
        "DeletePipeline": ("delete_pipeline", {"pipeline_id": _ID}),
    },
    ("/endpoints", "post", "201"): {
        "GetEndpoint": ("get_endpoint", {"endpoint": _ID}),
        "UpdateEndpoint": ("update_endpoint", {"endpoint": _ID}),
        "ListVersions": ("list_versions", {"endpoint": _ID}),
        "Retrain": ("retrain", {"endpoint": _ID}),
    },
    ("/endpoints/{endpoint}/versions", "post", "201"): {
        "GetVersion": ("get_version", {"endpoint": "$response.body#/endpoint_id",
                                       "version": "$response.body#/version"}),
    },
    ("/endpoints/{endpoint}/runs", "post", "202"): {
        "GetRun": ("get_run", {"run_id": _ID}),
        "CancelRun": ("cancel_run", {"run_id": _ID}),
        "ListRunOutputs": ("list_run_outputs", {"run_id": _ID}),
    },
    ("/pipelines/{pipeline_id}/runs", "post", "202"): {
        "GetRun": ("get_run", {"run_id": _ID}),
        "RerunRun": ("rerun", {"run_id": _ID}),
    },
    ("/runs/{run_id}/rerun", "post", "202"): {"GetRun": ("get_run", {"run_id": _ID})},
    ("/service-principals", "post", "201"): {
        "GetServicePrincipal": ("get_service_principal", {"sp_id": _ID}),
        "RevokeServicePrincipal": ("revoke_service_principal", {"sp_id": _ID}),
    },
    ("/worker-checks", "post", "202"): {"GetWorkerCheck": ("get_worker_check", {"check_id": _ID})},
    ("/deployments", "post", "201"): {
        "GetDeployment": ("get_deployment", {"name": "$response.body#/name"}),
        "UpdateDeployment": ("update_deployment", {"name": "$response.body#/name"}),
        "Predict": ("predict", {"name": "$response.body#/name"}),
        "DeploymentHistory": ("deployment_history", {"name": "$response.body#/name"}),
        "DeleteDeployment": ("delete_deployment", {"name": "$response.body#/name"}),
    },
    ("/datastores", "post", "201"): {"GetDatastore": ("get_datastore", {"name": "$response.body#/name"})},
}


def _add_links(spec: dict[str, Any]) -> None:
    for (path, method, status), links in LINKS.items():
        response = spec["paths"][path][method]["responses"].setdefault(status, {"description": "Created"})
        response["links"] = {name: {"operationId": operation, "parameters": parameters}
                             for name, (operation, parameters) in links.items()}


def _name_body_models(spec: dict[str, Any]) -> None:
    # PipelineSpec bodies are read by a dependency (to report every problem at once).
    schema = PipelineSpec.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    schema["properties"]["description"].pop("default", None)  # as FastAPI writes it
    spec["components"]["schemas"]["PipelineSpec"] = schema
    # Prediction bodies are JSON or CSV, read by the route itself.
    predict = PredictRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    spec["components"]["schemas"]["PredictRequest"] = predict


def _add_headline_metrics(spec: dict[str, Any]) -> None:
    # No route takes or returns it (metrics are open-ended objects); clients read the order
    # from here, the studio among them, instead of copying it.
    spec["components"]["schemas"]["HeadlineMetric"] = {
        "title": "HeadlineMetric", "type": "string", "enum": list(HEADLINE_METRICS),
        "description": "Metric names that clients show first, in this order, when they list a run's "
                       "or a model's metrics (the evaluate step may report others too)",
    }


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    _name_body_models(spec)
    _add_headline_metrics(spec)
    _add_links(spec)
    return problem_media_type_in_spec(spec)
