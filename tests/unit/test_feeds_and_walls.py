"""Feed parsing and bot-wall detection, without I/O; the saved real pages of ../shared are never walls."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from llm_engineering.application.crawlers.medium_export import parse_medium_export
from llm_engineering.application.extraction import ExtractionError
from llm_engineering.application.extraction.feeds import canonical_link, entry_text, is_feed, parse_feed
from llm_engineering.application.fetching.walls import detect_wall, wall_hint
from llm_engineering.domain.exceptions import CrawlError
from tests.support.feed_site import CHALLENGE_PAGE, LOGIN_WALL_PAGE, VERIFY_PAGE, post_page
from tests.support.paths import SHARED_PAGES_DIR

ARTICLE_QUOTING_A_CAPTCHA = (
    "<html><head><title>How captchas work</title></head><body><article>"
    + "<p>When a site asks you to verify you are human, it runs a challenge in your browser.</p>" * 60
    + "</article></body></html>"
)


def test_walls_are_told_from_ordinary_pages() -> None:
    assert detect_wall(503, CHALLENGE_PAGE).kind == "challenge"
    assert detect_wall(200, CHALLENGE_PAGE).marker == "title 'just a moment...'"
    assert detect_wall(200, VERIFY_PAGE).kind == "challenge"  # a short page asking to verify
    assert detect_wall(200, LOGIN_WALL_PAGE).kind == "login wall"
    captcha_form = "<html><body><form><div class='g-recaptcha'></div></form></body></html>"
    assert detect_wall(403, captcha_form).kind == "captcha" and detect_wall(200, captcha_form) is None
    assert detect_wall(200, ARTICLE_QUOTING_A_CAPTCHA) is None  # a long article may quote the words
    assert detect_wall(200, post_page("Ordinary")) is None and detect_wall(404, "<h1>Not Found</h1>") is None
    assert "medium.com/feed/@ada" in wall_hint("https://medium.com/@ada/a-story-0123456789ab")
    assert "https://ada.substack.com/feed" in wall_hint("https://ada.substack.com/p/x")


@pytest.mark.shared
def test_no_saved_real_page_is_taken_for_a_wall() -> None:
    if not SHARED_PAGES_DIR.is_dir():
        pytest.skip(f"{SHARED_PAGES_DIR} is absent (a fresh clone has no ../shared; CI always has it)")
    pages = [path for path in SHARED_PAGES_DIR.rglob("*.htm*") if path.is_file()]
    assert len(pages) > 40
    assert [page.name for page in pages if detect_wall(200, page.read_text(errors="replace"))] == []


def test_rss_and_atom_entries_with_links_titles_dates_and_full_text() -> None:
    rss = (
        "<?xml version='1.0' encoding='ISO-8859-1'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel><title>T</title>"
        "<item><title>One</title><link>/p/one?utm_source=x&amp;page=2#top</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 +0100</pubDate><description>summary</description></item>"
        "<item><guid isPermaLink='true'>https://blog.example/p/two</guid><title>Two</title>"
        "<content:encoded><![CDATA[<p>The full text of the second post, long enough to keep.</p>"
        "<script>alert(1)</script>]]></content:encoded></item>"
        "<item><title>No link</title></item></channel></rss>"
    )
    assert is_feed("text/html", rss) and not is_feed("text/html", post_page("x"))
    feed = parse_feed(rss, "https://blog.example/feed")
    one, two = feed.entries
    assert (one.link, one.title, one.date, one.content_html) == (
        "https://blog.example/p/one?page=2", "One", "2024-01-01T10:00:00+01:00", None
    )  # fmt: skip
    assert two.link == "https://blog.example/p/two" and entry_text(two.content_html) == (
        "The full text of the second post, long enough to keep."
    )
    atom = (
        "<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><entry><title>X</title>"
        "<link rel='self' href='https://a.example/x.atom'/><link href='https://a.example/x'/>"
        "<updated>2024-02-01T09:30:00Z</updated><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
        "<p>Inline XHTML content of the entry, long enough to keep.</p></div></content></entry>"
        "<entry><title>Y</title><link href='https://a.example/y'/><content src='https://a.example/y.txt'/>"
        "</entry></feed>"
    )
    x, y = parse_feed(atom, "https://a.example/feed").entries
    assert x.link == "https://a.example/x" and x.date == "2024-02-01T09:30:00+00:00"
    assert "Inline XHTML content" in entry_text(x.content_html) and y.content_html is None
    with pytest.raises(ExtractionError, match="not <rss> or Atom"):
        parse_feed("<html><body>no feed</body></html>", "https://a.example/")
    assert canonical_link("https://medium.com/@a/s-1?source=rss-abc------2") == "https://medium.com/@a/s-1"


def test_a_zip_that_is_no_medium_export_says_what_to_download(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photos/a.jpg", b"\xff\xd8")
    with pytest.raises(CrawlError, match="Download your information"):
        parse_medium_export(path)
    (tmp_path / "broken.zip").write_text("not a zip")
    with pytest.raises(CrawlError, match="Cannot read the Medium export"):
        parse_medium_export(tmp_path / "broken.zip")


def test_the_browser_fallback_collects_the_profiles_post_links() -> None:
    from llm_engineering.application.crawlers.browser_profile import post_links

    html = (
        "<html><body><a href='/@ada/boring-pipelines-0123456789ab?source=user_profile'>one</a>"
        "<a href='https://medium.com/@ada/boring-pipelines-0123456789ab'>again</a>"
        "<a href='/p/9f8e7d6c5b4a'>short link</a><a href='/@ada/followers'>followers</a>"
        "<a href='https://other.example/@ada/x-0123456789ab'>elsewhere</a><a href='/about'>about</a></body></html>"
    )
    assert post_links(html, "https://medium.com/@ada") == [
        "https://medium.com/@ada/boring-pipelines-0123456789ab",
        "https://medium.com/p/9f8e7d6c5b4a",
    ]
    substack = "<a href='https://ada.substack.com/p/a-post'>a</a><a href='/archive'>archive</a>"
    assert post_links(f"<html><body>{substack}</body></html>", "https://ada.substack.com/") == [
        "https://ada.substack.com/p/a-post"
    ]
