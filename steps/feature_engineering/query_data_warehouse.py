from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.preprocessing.artifacts import WarehouseDocuments
from llm_engineering.application.preprocessing.feature_engineering import query_warehouse
from llm_engineering.application.preprocessing.summaries import count_by_category_and_author


@step
def query_data_warehouse(
    author_full_names: list[str] | None = None,
) -> Annotated[WarehouseDocuments, "warehouse_documents"]:
    """Every article, post and repository of the authors (None: every author in the warehouse), with the authors' ids (change detection needs
    every author's id, also of one left without documents). An unknown author fails the step, naming them."""
    warehouse = query_warehouse(author_full_names)
    get_step_context().add_output_metadata(
        output_name="warehouse_documents",
        metadata={**count_by_category_and_author(warehouse.documents), "authors": len(warehouse.authors)},
    )
    return warehouse
