import pytest

from llm_engineering.infrastructure.redaction import describe_host, mask_uri, strip_credentials


@pytest.mark.parametrize(
    ("uri", "masked", "stripped", "host"),
    [
        ("mongodb://u:pw@h:27017/db", "mongodb://u:***@h:27017/db", "mongodb://h:27017/db", "h:27017"),
        ("mongodb://twin:pa/ss@h:1", "mongodb://twin:***@h:1", "mongodb://h:1", "h:1"),  # unescaped "/"
        ("mongodb://u:p@ss@h:27017/db", "mongodb://u:***@h:27017/db", "mongodb://h:27017/db", "h:27017"),
        ("mongodb+srv://a:b@c.d/x?y=1", "mongodb+srv://a:***@c.d/x?y=1", "mongodb+srv://c.d/x?y=1", "c.d"),
        (
            "https://token@github.com/o/r",
            "https://***@github.com/o/r",
            "https://github.com/o/r",
            "github.com",
        ),
        (
            "https://u:t@medium.com/@a/b",
            "https://u:***@medium.com/@a/b",
            "https://medium.com/@a/b",
            "medium.com",
        ),
        ("https://medium.com/@a/b", "https://medium.com/@a/b", "https://medium.com/@a/b", "medium.com"),
        ("http://h:8080/x/@y", "http://h:8080/x/@y", "http://h:8080/x/@y", "h:8080"),
        ("mongodb://h:27017", "mongodb://h:27017", "mongodb://h:27017", "h:27017"),
    ],
)
def test_credentials_are_masked_or_stripped_and_paths_kept(
    uri: str, masked: str, stripped: str, host: str
) -> None:
    assert mask_uri(uri) == masked
    assert strip_credentials(uri) == stripped
    assert describe_host(uri) == host


def test_plain_paths_pass_through() -> None:
    assert mask_uri("/local/path") == "/local/path" == strip_credentials("/local/path")
