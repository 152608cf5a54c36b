"""Storing what an RSS/Atom feed carries: every post as its own ArticleDocument, keyed by the post's link.

A post whose full text is in the feed is stored from it; the post page is fetched only when the feed has
no full text. Posts already stored are not fetched again, so re-running a feed adds only new posts. A post
page behind a bot wall, or a feed entry that is a paywall's preview, is counted as blocked, never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from loguru import logger

from llm_engineering.application.crawlers.base import link_domain
from llm_engineering.application.extraction import ExtractedArticle, ExtractionError
from llm_engineering.application.extraction.feeds import FeedEntry, ParsedFeed, entry_text
from llm_engineering.application.fetching.walls import BlockedError, detect_wall, wall_hint
from llm_engineering.domain.content import ArticleContent
from llm_engineering.domain.documents import ArticleDocument, UserDocument
from llm_engineering.domain.exceptions import CrawlError

# Fetches a post page and extracts its article (raises CrawlError, BlockedError or ExtractionError).
ArticleFetcher = Callable[[str], ExtractedArticle]


@dataclass
class FeedOutcome:
    entries: int = 0
    written: int = 0
    already_stored: int = 0
    from_feed_text: int = 0
    from_post_pages: int = 0
    blocked: list[dict[str, str]] = field(default_factory=list)  # {"link", "reason", "hint"}
    failed: list[dict[str, str]] = field(default_factory=list)  # {"link", "reason"}

    def notes(self) -> dict:
        return {
            "feed_entries": self.entries,
            "feed_already_stored": self.already_stored,
            "from_feed_text": self.from_feed_text,
            "from_post_pages": self.from_post_pages,
            **({"blocked_entries": self.blocked} if self.blocked else {}),
            **({"failed_entries": self.failed} if self.failed else {}),
        }


def platform_of(link: str) -> str:
    """The platform name stored with a post: medium and substack by name, any other site by its domain."""
    domain = link_domain(link)
    if domain == "medium.com" or domain.endswith(".medium.com"):
        return "medium"
    if domain.endswith(".substack.com"):
        return "substack"
    return domain


def ingest_feed(feed: ParsedFeed, user: UserDocument, fetch_article: ArticleFetcher) -> FeedOutcome:
    """Store the feed's new posts for `user`; what happened to each entry is in the outcome."""
    outcome = FeedOutcome(entries=len(feed.entries))
    stored = ArticleDocument.find_existing_links(entry.link for entry in feed.entries)
    outcome.already_stored = len(stored)
    documents = []
    for entry in feed.entries:
        if entry.link in stored:
            continue
        try:
            content = _content(entry, fetch_article, outcome)
        except BlockedError as error:
            outcome.blocked.append({"link": entry.link, "reason": str(error), "hint": error.hint})
            continue
        except (CrawlError, ExtractionError) as error:
            outcome.failed.append({"link": entry.link, "reason": str(error)})
            continue
        documents.append(
            ArticleDocument(
                content=content,
                platform=platform_of(entry.link),
                link=entry.link,
                author_id=user.id,
                author_full_name=user.full_name,
            )
        )
    outcome.written = ArticleDocument.bulk_insert(documents)
    logger.info(
        f"Feed '{feed.title or '?'}': {outcome.entries} post(s), {outcome.written} stored "
        f"({outcome.from_feed_text} from the feed's text, {outcome.from_post_pages} from their pages), "
        f"{outcome.already_stored} already stored, {len(outcome.blocked)} blocked, {len(outcome.failed)} failed."
    )
    return outcome


def _content(entry: FeedEntry, fetch_article: ArticleFetcher, outcome: FeedOutcome) -> ArticleContent:
    if entry.content_html:
        wall = detect_wall(200, entry.content_html)
        if wall:  # a paid post's preview with its call to action
            raise BlockedError(
                f"{entry.link}: the feed carries a {wall.kind} ({wall.marker}), not the post",
                hint=wall_hint(entry.link),
            )
        text = entry_text(entry.content_html)
        if text:
            outcome.from_feed_text += 1
            return ArticleContent(title=entry.title, content=text, date=entry.date)
    article = fetch_article(entry.link)
    outcome.from_post_pages += 1
    described = {"description": article.description, "author": article.author}
    return ArticleContent(
        title=entry.title or article.title,
        subtitle=article.subtitle,
        content=article.content,
        language=article.language,
        date=entry.date,
        **{name: value for name, value in described.items() if value},
    )


def check_outcome(outcome: FeedOutcome, feed_link: str) -> None:
    """A feed run that stored nothing and had nothing stored before fails, saying why (blocked when every
    post was)."""
    if outcome.written or outcome.already_stored:
        return
    if not outcome.entries:
        raise CrawlError(f"The feed {feed_link} holds no posts.", transient=False)
    if outcome.blocked and not outcome.failed:
        first = outcome.blocked[0]
        raise BlockedError(
            f"every post of the feed {feed_link} is behind a wall ({first['reason']})", hint=first["hint"]
        )
    reasons = "; ".join(item["reason"] for item in (outcome.failed + outcome.blocked)[:3])
    raise CrawlError(f"No post of the feed {feed_link} could be stored: {reasons}", transient=False)
