"""Author likeness: a stylometric, judge-free score of how much a text reads like a given author."""
