"""Events and timelines: the dated things that happened, told across the corpus.

Sits above stories: an event belongs to a story and is made of the claim groups, event claims
and time references of its articles.
"""
