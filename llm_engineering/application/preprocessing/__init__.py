"""Cleaning, chunking and embedding of warehouse documents: one table per stage for what differs per data
category, the dispatchers that read them, change detection and the feature-store writes that the feature
pipeline is made of."""
