"""LinkedIn post extraction (HTML -> posts), without a browser: real saved pages from ../shared and a
signed-in activity feed written here in LinkedIn's markup."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from llm_engineering.application.crawlers.linkedin import activity_url, needs_login, post_link_for
from llm_engineering.application.extraction.sites.linkedin import extract_linkedin_posts
from llm_engineering.application.extraction.sites.linkedin_text import render_text
from tests.support.paths import SHARED_PAGES_DIR

FEED = "https://www.linkedin.com/feed/update/"


def _shared_page(relative: str) -> str:
    path = SHARED_PAGES_DIR / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent (a fresh clone has no ../shared; CI always has it)")
    return path.read_text(encoding="utf-8")


# --- real saved pages --------------------------------------------------------------------------------------


def test_public_post_page_gives_the_authors_words_only() -> None:
    html = _shared_page("intent-miner/linkedin_post.html")
    posts = extract_linkedin_posts(html, "http://127.0.0.1:8000/intent-miner/linkedin_post.html")

    assert len(posts) == 1  # the reshared company post inside it is someone else's text
    post = posts[0]
    assert post.text.startswith("Looking for a tool that builds relationships")  # manifest's expectation
    assert post.text.endswith("integrate it into your initiatives.")
    assert "Ryan Companies" not in post.text  # the reshared post
    assert "Report this post" not in post.text and "sign in" not in post.text.lower()
    assert post.urn == "urn:li:activity:7463608443963318272"
    assert post.link == FEED + "urn:li:activity:7463608443963318272"
    assert post.image and post.image.startswith("https://media.licdn.com/dms/image/")
    assert "profile-displayphoto" not in post.image and "company-logo" not in post.image


def test_long_form_article_matches_ground_truth_and_leaves_comments_out() -> None:
    html = _shared_page("postlight-parser/fixtures/www.linkedin.com.html")
    expected = json.loads(_shared_page("postlight-parser/expected.json"))["www.linkedin.com.html"]
    url = expected["url"]

    posts = extract_linkedin_posts(html, url)

    assert len(posts) == 1
    post = posts[0]
    assert post.text.startswith(expected["content_first_words"])
    assert post.link == url and post.urn is None
    assert "Connect with me @EllynJShook1" in post.text  # the last paragraph of the body
    assert "1. Double down on people." in post.text and "\n7. Family. Family. Family." in post.text
    for foreign in (
        "Zoe Kibbey",
        "Thank you for sharing",
        "Sign in to like this comment",
        "Report this post",
    ):
        assert foreign not in post.text
    assert expected["title"] not in post.text  # the title is not body text
    assert post.image and post.image.startswith("https://media-exp1.licdn.com/")


# --- a signed-in activity feed -----------------------------------------------------------------------------

ACTIVITY_FEED = """<html><head><title>Activity | Jane Doe | LinkedIn</title></head><body>
<main><div class="scaffold-finite-scroll__content">
 <div class="occludable-update" data-id="urn:li:activity:7100000000000000001">
  <div class="feed-shared-update-v2" data-urn="urn:li:activity:7100000000000000001">
   <div class="update-components-actor"><img class="update-components-actor__avatar-image"
     src="https://media.example.com/avatar.jpg"><span>Jane Doe</span><span class="visually-hidden">Verified</span></div>
   <div class="feed-shared-update-v2__description">
    <div class="update-components-text"><span class="break-words"><span dir="ltr">Shipping the feature
     pipeline today.<br><br>Three lessons:<br>1. idempotent writes<br>2. small steps
     <a href="/feed/hashtag/mlops"><span class="visually-hidden">hashtag</span>#mlops</a></span></span></div>
    <button class="feed-shared-inline-show-more-text__see-more-less-toggle">…see more</button>
   </div>
   <div class="update-components-image"><img src="https://media.example.com/post-1.jpg"></div>
   <div class="comments-comments-list"><article class="comments-comment-entity">
    <div class="update-components-text"><span dir="ltr">Great post Jane!</span></div></article></div>
  </div>
 </div>
 <div class="feed-shared-update-v2" data-urn="urn:li:activity:7100000000000000002">
  <div class="update-components-text"><span dir="ltr">My take: retrieval beats fine-tuning for facts.</span></div>
  <div class="update-components-mini-update-v2">
   <div class="update-components-text"><span dir="ltr">Someone else's original post.</span></div>
   <div class="update-components-image"><img src="https://media.example.com/shared.jpg"></div>
  </div>
 </div>
 <div class="feed-shared-update-v2" data-urn="urn:li:activity:7100000000000000003">
  <div class="update-components-actor">Jane Doe reposted this</div>
  <div class="update-components-mini-update-v2">
   <div class="update-components-text"><span dir="ltr">A repost without a word from Jane.</span></div>
  </div>
 </div>
 <div class="feed-shared-update-v2" data-urn="urn:li:activity:7100000000000000001">
  <div class="update-components-text"><span dir="ltr">Shipping the feature pipeline today.</span></div>
 </div>
</div></main></body></html>"""


def test_activity_feed_posts_links_images_and_text() -> None:
    posts = extract_linkedin_posts(ACTIVITY_FEED, "https://www.linkedin.com/in/jane-doe/recent-activity/all/")

    assert [p.link for p in posts] == [
        FEED + "urn:li:activity:7100000000000000001",  # shown twice in the feed, kept once
        FEED + "urn:li:activity:7100000000000000002",  # the plain repost (…003) has no text of Jane's
    ]
    first, second = posts
    assert first.text == (
        "Shipping the feature pipeline today.\n\nThree lessons:\n1. idempotent writes\n2. small steps #mlops"
    )
    assert first.image == "https://media.example.com/post-1.jpg"  # not the avatar, not a comment's
    assert second.text == "My take: retrieval beats fine-tuning for facts."
    assert all("Great post" not in p.text and "Someone else" not in p.text for p in posts)


def test_posts_without_urns_get_the_page_link_and_an_index() -> None:
    html = """<div class="feed-shared-update-v2"><div class="update-components-text">One</div></div>
              <div class="feed-shared-update-v2"><div class="update-components-text">Two</div></div>"""
    posts = extract_linkedin_posts(html, "https://example.com/saved.html#top")
    assert [(p.text, p.link) for p in posts] == [
        ("One", "https://example.com/saved.html#post-1"),
        ("Two", "https://example.com/saved.html#post-2"),
    ]


def test_single_post_page_keeps_the_post_named_by_its_link() -> None:
    html = ACTIVITY_FEED.replace("<main>", "<main><h2>More posts</h2>")
    link = "https://www.linkedin.com/posts/jane-doe_take-activity-7100000000000000002-AbCd"
    posts = extract_linkedin_posts(html, link)
    assert [p.urn for p in posts] == ["urn:li:activity:7100000000000000002"]


def test_pages_without_posts_give_nothing() -> None:
    assert extract_linkedin_posts("<html><body><h1>Sign in</h1></body></html>", "https://x.test/") == []


def test_render_text_keeps_pre_wrap_newlines_and_merges_block_breaks() -> None:
    html = (
        "<div><p>a<br><br>b</p><ul><li>x</li><li>y</li></ul><div>d</div><div>e</div>"
        '<p class="whitespace-pre-wrap">line 1\nline 2\n\n  line 3</p></div>'
    )
    assert (
        render_text(BeautifulSoup(html, "lxml").div)
        == "a\n\nb\n\n- x\n- y\n\nd\ne\n\nline 1\nline 2\n\nline 3"
    )


# --- links ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://www.linkedin.com/in/jane-doe/", True),
        ("https://www.linkedin.com/in/jane-doe/recent-activity/all/", True),
        ("https://www.linkedin.com/feed/", True),
        ("https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000001/", False),
        ("https://www.linkedin.com/posts/jane-doe_x-activity-7100000000000000001-AbCd", False),
        ("https://www.linkedin.com/pulse/what-set-your-soul-fire-2017-ellyn-shook", False),
    ],
)
def test_needs_login(link: str, expected: bool) -> None:
    assert needs_login(link) is expected


def test_profile_links_become_activity_pages_and_post_links_name_their_urn() -> None:
    assert activity_url("https://www.linkedin.com/in/jane-doe") == (
        "https://www.linkedin.com/in/jane-doe/recent-activity/all/"
    )
    assert activity_url("https://www.linkedin.com/in/jane-doe/recent-activity/shares/") == (
        "https://www.linkedin.com/in/jane-doe/recent-activity/shares/"
    )
    assert post_link_for("https://www.linkedin.com/posts/jane_x-activity-7100000000000000001-AbCd") == (
        FEED + "urn:li:activity:7100000000000000001"
    )
    assert post_link_for("https://www.linkedin.com/pulse/some-article") is None
