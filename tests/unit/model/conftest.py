from tests.fixtures.model.tiny import tiny_model_dir  # noqa: F401  (a session fixture)
