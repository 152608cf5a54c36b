from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.preprocessing.summaries import count_by_category_and_author
from llm_engineering.application.preprocessing.warehouse_query import fetch_author_documents, find_authors


@step
def query_data_warehouse(author_full_names: list[str]) -> Annotated[list, "raw_documents"]:
    """Every article, post and repository of the authors. An unknown author fails the step, naming them."""
    documents = fetch_author_documents(find_authors(author_full_names))
    get_step_context().add_output_metadata(
        output_name="raw_documents", metadata=count_by_category_and_author(documents)
    )
    return documents
