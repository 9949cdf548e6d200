"""The lab: run configurations to folders of figures, metrics and models (uses matplotlib)."""
