from zenml import pipeline

from steps.etl.crawl_links import crawl_links
from steps.etl.get_or_create_user import get_or_create_user


@pipeline
def digital_data_etl(user_full_name: str, links: list[str]) -> None:
    """Crawl a person's links into the data warehouse."""
    user = get_or_create_user(user_full_name)
    crawl_links(user=user, links=links)
