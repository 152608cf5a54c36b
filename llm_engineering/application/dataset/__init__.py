"""Instruction and preference datasets: generation from the author's texts, curation, import and export."""
