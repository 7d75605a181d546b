"""Transport-agnostic conversation and command logic (never imports a channel library)."""
