"""Analysis tools (ablations, gate plots, score fusion)."""
