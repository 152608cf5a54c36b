"""Remote ZenML stacks from YAML recipes (configs/stacks/): load, validate, register; see docs/stacks.md."""
