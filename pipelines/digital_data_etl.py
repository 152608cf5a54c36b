from zenml import pipeline

from pipelines.config import EtlConfig
from steps.etl.crawl_links import crawl_links
from steps.etl.get_or_create_user import get_or_create_user


@pipeline
def digital_data_etl(config: EtlConfig) -> None:
    """Crawl a person's links into the data warehouse."""
    user = get_or_create_user(config.user_full_name)
    crawl_links(user=user, links=config.links, config=config.crawl)
