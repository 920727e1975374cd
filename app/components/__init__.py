"""Built-in components, metadata side: the catalogue and the settings models.

Pydantic only (no FastAPI, scikit-learn or pandas). The implementations are in
`worker.components`.
"""

from app.components.catalog import CATALOG, ComponentDef, Port, describe_components, get_component

__all__ = ["CATALOG", "ComponentDef", "Port", "describe_components", "get_component"]
