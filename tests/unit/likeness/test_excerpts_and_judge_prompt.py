from llm_engineering.application.likeness.corpus import CorpusDocument
from llm_engineering.application.likeness.excerpts import author_excerpt_pool, retrieve_excerpts
from llm_engineering.model.evaluation.judge import SCORE_RUBRIC, score_messages

GARDEN = " ".join(["The rhubarb sulked in the shade of the shed, so I moved it to the sunny bed."] * 6)
DATABASE = " ".join(["Adding a column with a default can rewrite the whole table while it holds a lock."] * 6)


def test_excerpts_are_the_author_passages_closest_to_the_instruction() -> None:
    documents = [
        CorpusDocument(id="1", author="Ada", text=GARDEN),
        CorpusDocument(id="2", author="Ada", text=DATABASE),
        CorpusDocument(id="3", author="Bo", text="Someone else's words about tables and locks. " * 10),
    ]
    pool = author_excerpt_pool("Ada", documents)
    assert pool and all("Someone else" not in passage for passage in pool)
    excerpts = retrieve_excerpts(
        ["Why does a table lock during a migration?", "Where should rhubarb grow?"], pool, 1
    )
    assert "column" in excerpts[0][0] and "rhubarb" in excerpts[1][0]
    assert retrieve_excerpts(["anything"], [], 2) == [[]]


def test_the_style_criterion_compares_with_the_excerpts_when_given() -> None:
    with_excerpts = score_messages("Explain locks.", "An answer.", [DATABASE[:80], GARDEN[:80]])[1].content
    assert "Excerpt 1:\n" + DATABASE[:80] in with_excerpts and "Excerpt 2:\n" + GARDEN[:80] in with_excerpts
    assert "as if the author of the excerpts below wrote it" in with_excerpts
    assert with_excerpts.endswith("Instruction:\nExplain locks.\n\nAnswer:\nAn answer.")
    generic = score_messages("Explain locks.", "An answer.")[1].content
    assert generic.startswith(SCORE_RUBRIC) and "Excerpt" not in generic
