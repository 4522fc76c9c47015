"""Figures: the heatmap, curves and sample pictures (matplotlib only when drawing)."""
