"""Cleaning, chunking and embedding of warehouse documents: handlers per data category, their dispatchers,
change detection and the feature-store writes that the feature pipeline is made of."""
