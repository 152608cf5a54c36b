"""Stylometric features from published practice: relative frequencies of function words (the words whose
use is habitual rather than topical, as in Mosteller & Wallace and Burrows' Delta) and character n-grams
(punctuation, affixes, spacing habits), both as sublinear TF-IDF vectors."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

_FUNCTION_WORDS_TEXT = """a about above across after again against all almost along already also although always am among an
    and another any anyone anything are around as at be because been before being below between both but by
    can cannot could did do does doing done down during each either else enough even ever every few for from
    further had has have having he her here hers herself him himself his how however i if in instead into is
    it its itself just least less like many may me might mine more most much must my myself neither never
    nevertheless next no nobody none nor not nothing now of off often on once one only onto or other others
    otherwise our ours ourselves out over own perhaps quite rather really same she should since so some
    someone something sometimes still such than that the their theirs them themselves then there therefore
    these they this those though through thus to together too toward towards under unless until up upon us
    very was we well were what whatever when whenever where whereas whether which while who whom whose why
    will with within without would yet you your yours yourself yourselves let lets let's i'm it's don't
    isn't can't won't we're you're that's there's here's i've we've you'll we'll i'll"""
FUNCTION_WORDS = tuple(_FUNCTION_WORDS_TEXT.split())

CHAR_NGRAMS = (1, 4)
MAX_CHAR_FEATURES = 40_000


def build_features() -> FeatureUnion:
    """Function-word and character n-gram vectors side by side; fitted on the training passages only."""
    function_words = TfidfVectorizer(
        vocabulary=sorted(set(FUNCTION_WORDS)),
        token_pattern=r"(?u)\b\w+(?:'\w+)?\b",
        lowercase=True,
        sublinear_tf=True,
    )
    characters = TfidfVectorizer(
        analyzer="char",
        ngram_range=CHAR_NGRAMS,
        lowercase=False,  # capitalisation is a habit too
        sublinear_tf=True,
        min_df=2,
        max_features=MAX_CHAR_FEATURES,
        dtype=np.float32,
    )
    return FeatureUnion([("function_words", function_words), ("characters", characters)])
