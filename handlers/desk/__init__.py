"""The staff web desk's transport-agnostic logic: login links, sessions, the question list, actions."""
