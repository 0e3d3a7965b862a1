"""Raw tool output -> contract models."""

__all__: list[str] = []
