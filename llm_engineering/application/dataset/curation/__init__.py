"""Dataset curation: rule filters, exact and near-duplicate removal, decontamination, an optional LLM judge."""

from llm_engineering.application.dataset.curation.config import CurationConfig
from llm_engineering.application.dataset.curation.curate import CurationResult, curate
from llm_engineering.application.dataset.curation.items import CurationItem

__all__ = ["CurationConfig", "CurationItem", "CurationResult", "curate"]
