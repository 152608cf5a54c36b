"""LinkedIn's markup (signed-in feed and public guest pages): HTML in, the author's own posts out (pure).

Only the author's own words are kept: reshared posts' text and comments by others are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import soupsieve
from bs4 import BeautifulSoup, Tag

from llm_engineering.application.extraction.sites.linkedin_text import render_text

FEED_UPDATE_URL = "https://www.linkedin.com/feed/update/{urn}"

# --- what a post looks like in LinkedIn's markup (signed-in feed and public guest pages) ------------------

_URN = re.compile(r"urn:li:(?:activity|share|ugcPost):[\w-]+")
_URN_ATTRIBUTES = ("data-urn", "data-activity-urn", "data-id", "data-entity-urn")
_POST_CLASSES = frozenset(("feed-shared-update-v2", "main-feed-activity-card"))
# The author's text of a post, most specific first.
COMMENTARY_SELECTORS = (
    "[data-test-id='main-feed-activity-card__commentary']",
    ".feed-shared-update-v2__description",
    ".feed-shared-update-v2__commentary",
    ".update-components-text",
    ".feed-shared-text",
    ".attributed-text-segment-list__content",
)
# Someone else's post inside this one (a repost): its text is not the author's.
_RESHARE_SELECTORS = (
    "[data-test-id^='feed-reshare-content']",
    ".feed-reshare-content",
    ".update-components-mini-update-v2",
    ".feed-shared-mini-update-v2",
    ".feed-shared-update-v2__update-content-wrapper",
    ".update-components-reshare",
)
# Comments under a post.
_COMMENT_SELECTORS = (
    "section.comment",
    "div.comments",
    ".comments-comments-list",
    ".comments-comment-item",
    ".comments-comment-entity",
    ".comments-comment-list__container",
    "[data-test-id^='comments-']",
)
_RESHARE = soupsieve.compile(", ".join(_RESHARE_SELECTORS))
_COMMENT = soupsieve.compile(", ".join(_COMMENT_SELECTORS))
_IMAGE_SELECTORS = (
    "[data-test-id='feed-images-content'] img",
    ".update-components-image img",
    ".feed-shared-image img",
    ".update-components-linkedin-video img",
    ".feed-shared-article__image img",
    ".update-components-article__image img",
)
# Long-form articles (linkedin.com/pulse/...).
ARTICLE_BODY_SELECTORS = (
    ".article-content__body",
    ".reader-article-content",
    "[data-test-id='article-body']",
)
ACTIVITY_ID = re.compile(r"(?:urn:li:|[-_/])(activity|share|ugcPost)[-:](\d{8,})")


@dataclass(frozen=True)
class LinkedInPost:
    text: str
    link: str
    image: str | None = None
    urn: str | None = None


# ---------------------------------------------------------------------------------------------------------
# Extraction: HTML -> posts (pure)
# ---------------------------------------------------------------------------------------------------------


def extract_linkedin_posts(html: str, page_url: str) -> list[LinkedInPost]:
    """The posts on a LinkedIn page: an activity feed, a single post (with its reposted content and the
    "more posts" around it left out) or a long-form article. Links come from the posts' URNs when the page has
    them (`https://www.linkedin.com/feed/update/<urn>`), else from `page_url`."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(("script", "style", "noscript", "template")):
        tag.decompose()
    posts = _feed_posts(soup, page_url)
    if not posts:
        posts = _article_posts(soup, page_url)
    target = _target_activity_id(soup, page_url)
    if target:
        # A single post's page also lists other people's posts: keep the one the page is about.
        chosen = [post for post in posts if post.urn and post.urn.rsplit(":", 1)[-1] == target]
        posts = chosen or posts
    return posts


def _feed_posts(soup: BeautifulSoup, page_url: str) -> list[LinkedInPost]:
    found: list[tuple[str, str | None, str | None]] = []  # (text, urn, image)
    for container in _top_level_containers(soup):
        urn = _container_urn(container)
        commentary = _commentary(container, urn)
        if commentary is None:
            continue  # a plain repost: nothing the author wrote
        text = render_text(commentary)
        if text:
            found.append((text, urn, _post_image(container)))
    if not found:  # no post markup around the text: the page is one post
        commentary = _first_outside(soup, COMMENTARY_SELECTORS, _COMMENT)
        text = render_text(commentary) if commentary is not None else ""
        if text:
            found.append((text, None, _meta_content(soup, "og:image")))
    return _with_links(found, page_url)


def _with_links(found: list[tuple[str, str | None, str | None]], page_url: str) -> list[LinkedInPost]:
    posts: list[LinkedInPost] = []
    seen: set[str] = set()
    without_urn = sum(1 for _, urn, _ in found if urn is None)
    for index, (text, urn, image) in enumerate(found):
        if urn:
            link = FEED_UPDATE_URL.format(urn=urn)
        else:
            link = page_url if without_urn == 1 else f"{_strip_fragment(page_url)}#post-{index + 1}"
        if link in seen:
            continue  # LinkedIn renders some updates twice (pinned and in the feed)
        seen.add(link)
        posts.append(LinkedInPost(text=text, link=link, image=image, urn=urn))
    return posts


def _article_posts(soup: BeautifulSoup, page_url: str) -> list[LinkedInPost]:
    """A long-form article (linkedin.com/pulse) as one post: its body, without title, byline or comments."""
    for selector in ARTICLE_BODY_SELECTORS:
        body = soup.select_one(selector)
        if body is None:
            continue
        text = render_text(body)
        if text:
            image = _meta_content(soup, "og:image") or _first_image(body.select("img"))
            return [LinkedInPost(text=text, link=page_url, image=image)]
    return []


def _is_post_container(tag: Tag) -> bool:
    if any(_URN.fullmatch(str(tag.get(attribute, ""))) for attribute in _URN_ATTRIBUTES):
        return True
    return bool(_POST_CLASSES.intersection(tag.get("class") or ()))


def _own_urn(tag: Tag) -> str | None:
    for attribute in _URN_ATTRIBUTES:
        value = str(tag.get(attribute, ""))
        if _URN.fullmatch(value):
            return value
    return None


def _top_level_containers(soup: BeautifulSoup) -> list[Tag]:
    containers = [tag for tag in soup.find_all(True) if _is_post_container(tag)]
    marked = {id(tag) for tag in containers}
    return [tag for tag in containers if not any(id(parent) in marked for parent in tag.parents)]


def _container_urn(container: Tag) -> str | None:
    """The post's URN: the container's own, else the first one inside it that is not a reshared post's."""
    urn = _own_urn(container)
    if urn:
        return urn
    for tag in container.find_all(True):
        candidate = _own_urn(tag)
        if candidate and not _inside_any(tag, container, _RESHARE):
            return candidate
    return None


def _excluded(tag: Tag, container: Tag, container_urn: str | None) -> bool:
    """Inside a comment, a reshared post (known by its markup or by another URN) between tag and container."""
    for parent in [tag, *tag.parents]:
        if parent is container:
            return False
        if _matches(parent, _COMMENT) or _matches(parent, _RESHARE):
            return True
        urn = _own_urn(parent)
        if urn and container_urn and urn != container_urn:
            return True
    return False


def _commentary(container: Tag, urn: str | None) -> Tag | None:
    for selector in COMMENTARY_SELECTORS:
        for tag in container.select(selector):
            if not _excluded(tag, container, urn) and render_text(tag):
                return tag
    return None


def _post_image(container: Tag) -> str | None:
    images = [
        img
        for selector in _IMAGE_SELECTORS
        for img in container.select(selector)
        if not _inside_any(img, container, _COMMENT)
    ]
    return _first_image(images)


def _first_image(images: list[Tag]) -> str | None:
    for img in images:
        for attribute in ("data-delayed-url", "data-li-src", "data-src", "src"):
            value = str(img.get(attribute) or "").strip()
            if value.startswith(("https://", "http://")):
                return value
    return None


def _first_outside(
    soup: BeautifulSoup, selectors: tuple[str, ...], excluded: soupsieve.SoupSieve
) -> Tag | None:
    for selector in selectors:
        for tag in soup.select(selector):
            if not any(_matches(parent, excluded) for parent in [tag, *tag.parents]):
                return tag
    return None


def _matches(tag: Tag, compiled: soupsieve.SoupSieve) -> bool:
    return isinstance(tag, Tag) and not isinstance(tag, BeautifulSoup) and compiled.match(tag)


def _inside_any(tag: Tag, stop: Tag, compiled: soupsieve.SoupSieve) -> bool:
    for parent in [tag, *tag.parents]:
        if parent is stop:
            return False
        if _matches(parent, compiled):
            return True
    return False


def _target_activity_id(soup: BeautifulSoup, page_url: str) -> str | None:
    """The id of the post a single-post page is about, from its URL or its canonical link."""
    canonical = soup.find("link", rel="canonical")
    candidates = [
        page_url,
        str(canonical.get("href", "")) if canonical else "",
        _meta_content(soup, "og:url"),
    ]
    for candidate in candidates:
        match = ACTIVITY_ID.search(candidate or "")
        if match:
            return match.group(2)
    return None


def _meta_content(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    value = str(tag.get("content") or "").strip() if tag else ""
    return value or None


def _strip_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
