from llm_engineering.application.preprocessing.passages import passage_texts, sentences_of


def test_sentences_end_at_punctuation_followed_by_space_or_at_line_breaks() -> None:
    text = "GPTQ uses 4 bits. It is fast! Is it exact? Version 2.5 is out\n- a list item\n\nA heading"
    assert sentences_of(text) == [
        "GPTQ uses 4 bits.",
        "It is fast!",
        "Is it exact?",
        "Version 2.5 is out",
        "- a list item",
        "A heading",
    ]


def test_passages_group_consecutive_sentences_and_cover_the_text() -> None:
    text = " ".join(f"Sentence {i} says something." for i in range(8))
    passages = passage_texts(text, 3)
    assert passages == [
        "Sentence 0 says something. Sentence 1 says something. Sentence 2 says something.",
        "Sentence 3 says something. Sentence 4 says something. Sentence 5 says something.",
        "Sentence 6 says something. Sentence 7 says something.",
    ]
    assert " ".join(passages) == text


def test_no_passages_when_switched_off_or_when_the_chunk_is_one_group() -> None:
    text = "One. Two. Three."
    assert passage_texts(text, 3) == []  # the chunk's own vector reads it whole
    assert passage_texts(text, 2) == ["One. Two.", "Three."]
    assert passage_texts(text + " Four.", 0) == []
