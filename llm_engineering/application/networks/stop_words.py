"""A built-in English stop-word list for lexical (BM25) search.

Built in rather than downloaded (NLTK fetches its lists at run time, which fails offline). Function words
only: pronouns, articles, auxiliaries, prepositions, conjunctions and their contractions, written with a
straight apostrophe (the tokenizer normalises curly ones).
"""

_WORDS = """
    a about above after again against ain all am an and any are aren aren't as at
    be because been before being below between both but by
    can can't cannot could couldn couldn't
    d did didn didn't do does doesn doesn't doing don don't down during
    each
    few for from further
    had hadn hadn't has hasn hasn't have haven haven't having he he'd he'll he's her here here's hers herself
    him himself his how how's
    i i'd i'll i'm i've if in into is isn isn't it it'd it'll it's its itself
    just
    let's ll
    m ma me might mightn mightn't more most must mustn mustn't my myself
    needn needn't no nor not now
    o of off on once only or other ought our ours ourselves out over own
    re
    s same shan shan't she she'd she'll she's should should've shouldn shouldn't so some such
    t than that that'll that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too
    under until up upon us
    ve very
    was wasn wasn't we we'd we'll we're we've were weren weren't what what's when when's where where's which
    while who who's whom why why's will with won won't would wouldn wouldn't
    y you you'd you'll you're you've your yours yourself yourselves
"""

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(_WORDS.split())

# Words that frame a question rather than name what it asks about ("How many ...", "what does the author
# say about ..."): dropped from BM25 queries only (documents keep them), since in a passage they are noise.
_QUESTION_WORDS = """
    many much often kind type sort according
    author authors article articles post posts blog
    mention mentions mentioned say says said describe describes described explain explains explained
    call calls called name named
"""

QUESTION_WORDS: frozenset[str] = frozenset(_QUESTION_WORDS.split())
