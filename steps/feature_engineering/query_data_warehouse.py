from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.preprocessing.summaries import count_by_category_and_author
from llm_engineering.application.preprocessing.warehouse_query import fetch_author_documents, find_authors


@step
def query_data_warehouse(
    author_full_names: list[str],
) -> tuple[Annotated[list, "raw_documents"], Annotated[dict, "author_ids"]]:
    """Every article, post and repository of the authors, and the authors' ids by full name (change
    detection needs every author's id, also of one left without documents). An unknown author fails the
    step, naming them."""
    authors = find_authors(author_full_names)
    documents = fetch_author_documents(authors)
    context = get_step_context()
    context.add_output_metadata(output_name="raw_documents", metadata=count_by_category_and_author(documents))
    context.add_output_metadata(output_name="author_ids", metadata={"authors": len(authors)})
    return documents, {author.full_name: str(author.id) for author in authors}
