"""Per-site markup rules: one module per source, holding its own selectors."""
